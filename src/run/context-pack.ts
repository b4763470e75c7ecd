import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { BatonError } from "../errors.ts";
import { describeIssues } from "../util/zod-issues.ts";

/** The seed's Context Pack: what workers cannot infer. Every field is optional. */
export const ContextPackSchema = z
  .object({
    goal: z.string(),
    nonGoals: z.string(),
    constraints: z.string(),
    pointers: z.string(),
    priorDecisions: z.string(),
    successCheck: z.string(),
  })
  .partial()
  .strict();
export type ContextPack = z.infer<typeof ContextPackSchema>;

const LABELS: Record<keyof ContextPack, string> = {
  goal: "Goal",
  nonGoals: "Non-goals",
  constraints: "Constraints",
  pointers: "Pointers",
  priorDecisions: "Prior decisions",
  successCheck: "Success check",
};

/**
 * Reads a Context Pack file: YAML/JSON with the keys above (goal, nonGoals, …), or Markdown with
 * "Goal:" / "## Goal" sections; anything else is taken as the Goal.
 */
export function loadContextPack(file: string): ContextPack {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new BatonError(
      "E_USAGE",
      `\`context\`: cannot read "${file}": ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
      { file },
    );
  }
  if (/\.(ya?ml|json)$/i.test(file)) {
    let raw: unknown;
    try {
      raw = parseYaml(text);
    } catch (error) {
      throw new BatonError(
        "E_CONFIG",
        `\`context\`: ${file} is not valid YAML/JSON: ${(error as Error).message}`,
        { file },
      );
    }
    const parsed = ContextPackSchema.safeParse(raw);
    if (!parsed.success) {
      throw new BatonError(
        "E_CONFIG",
        `\`context\`: ${file}: ${describeIssues(parsed.error, { max: Infinity })}. ` +
          `Accepted keys: ${Object.keys(LABELS).join(", ")}`,
        { file },
      );
    }
    return parsed.data;
  }
  return parseMarkdownPack(text);
}

function parseMarkdownPack(text: string): ContextPack {
  const pack: ContextPack = {};
  const byLabel = new Map(Object.entries(LABELS).map(([k, v]) => [v.toLowerCase(), k as keyof ContextPack]));
  let key: keyof ContextPack | undefined;
  const loose: string[] = [];
  for (const line of text.split("\n")) {
    const m = /^(?:#+\s*|[-*]\s*)?([A-Za-z -]+?)\s*:?\s*$|^(?:[-*]\s*)?([A-Za-z -]+?):\s+(.+)$/.exec(
      line.trim(),
    );
    const label = (m?.[1] ?? m?.[2])?.toLowerCase();
    const found = label ? byLabel.get(label) : undefined;
    if (found) {
      key = found;
      if (m?.[3]) pack[key] = m[3];
      continue;
    }
    if (key) pack[key] = pack[key] ? `${pack[key]}\n${line}` : line;
    else loose.push(line);
  }
  for (const k of Object.keys(pack) as (keyof ContextPack)[]) pack[k] = pack[k]!.trim();
  if (Object.keys(pack).length === 0 && loose.join("").trim()) pack.goal = loose.join("\n").trim();
  return pack;
}

export function renderContextPack(pack: ContextPack | undefined): string {
  if (!pack) return "";
  const lines = (Object.keys(LABELS) as (keyof ContextPack)[])
    .filter((k) => pack[k])
    .map((k) => `- ${LABELS[k]}: ${pack[k]!.replace(/\n/g, "\n  ")}`);
  return lines.length ? `CONTEXT PACK:\n${lines.join("\n")}\n` : "";
}
