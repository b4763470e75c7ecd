import type { z } from "zod";

/** A schema's complaint in one line: the first few issues, each with its path (`top` names the value itself). */
export function describeIssues(error: z.ZodError, top = "(top)", max = 3): string {
  return error.issues
    .slice(0, max)
    .map((i) => `${i.path.join(".") || top}: ${i.message}`)
    .join("; ");
}
