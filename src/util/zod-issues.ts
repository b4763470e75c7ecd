import type { z } from "zod";

/**
 * A schema's complaint in one line: the first few issues, each with its path (`top` names the value
 * itself). `backticks` quotes the path as library messages name options (the CLI turns them into flags).
 */
export function describeIssues(
  error: z.ZodError,
  o: { top?: string; max?: number; backticks?: boolean } = {},
): string {
  const quote = (path: string) => (o.backticks ? `\`${path}\`` : path);
  return error.issues
    .slice(0, o.max ?? 3)
    .map((i) => `${i.path.length ? quote(i.path.join(".")) : (o.top ?? "(top)")}: ${i.message}`)
    .join("; ");
}
