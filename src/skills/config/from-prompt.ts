import { basename, extname } from "node:path";
import { BatonError } from "../../errors.ts";
import { splitFrontmatter } from "../parse/frontmatter.ts";
import { readTextSafe } from "../parse/safe-fs.ts";
import type { SkillConfigInput } from "./schema.ts";

/**
 * Rewrites the placeholders of an old Codex custom prompt for a skill, where the user's request is
 * simply the text after `$<skill>`: $ARGUMENTS, $1…$9 and named $UPPERCASE arguments; `$$` is a literal `$`.
 */
export function rewritePromptPlaceholders(body: string): string {
  return body.replace(
    /\$\$|\$ARGUMENTS\b|\$([1-9])(?!\d)|\$([A-Z][A-Z0-9_]*)\b/g,
    (match, digit?: string, named?: string) => {
      if (match === "$$") return "$";
      if (match === "$ARGUMENTS") return "the user's request";
      if (digit) return `argument ${digit} of the user's request`;
      return `the ${named} value from the user's request (${named}=…)`;
    },
  );
}

/**
 * Turns a Codex custom prompt (~/.codex/prompts/<name>.md, removed from Codex) into a skill config:
 * one agent carrying the prompt's text, one phase.
 * @example configFromPrompt("plan", "~/.codex/prompts/plan.md", "single")
 */
export async function configFromPrompt(
  name: string,
  file: string,
  outputMode: "structured" | "single",
): Promise<SkillConfigInput> {
  const text = await readTextSafe(file);
  const fm = splitFrontmatter(text, file);
  const stem = basename(file, extname(file));
  const body = rewritePromptPlaceholders(fm.body.trim());
  if (body.length === 0) {
    throw new BatonError("E_CONFIG", `${file}: the prompt has no text after its frontmatter`, { file });
  }
  const firstLine =
    body
      .split("\n")
      .find((l) => l.trim() && !l.startsWith("#"))
      ?.trim() ?? `Runs the ${stem} prompt`;
  const summary = (typeof fm.data.description === "string" ? fm.data.description : firstLine)
    .replace(/[<>]/g, "")
    .slice(0, 700);
  const hint =
    typeof fm.data["argument-hint"] === "string"
      ? ` Arguments: ${fm.data["argument-hint"].replace(/[<>]/g, "")}.`
      : "";
  return {
    name,
    description: `${summary.replace(/\.?$/, ".")}${hint} Use when the user asks to run the former /${stem} prompt.`,
    outputMode,
    agents: [
      {
        name: "executor",
        role: `Runs the former ${stem} prompt`,
        responsibility: summary,
        instructions: body,
      },
    ],
    phases: [
      {
        name: "Execute",
        goal: `Carry out the ${stem} prompt for the user's request`,
        deliverables: ["The result the prompt asks for", "What was checked and how"],
        agents: ["executor"],
      },
    ],
    conversionSource: { type: "codex-prompt", path: file },
  };
}
