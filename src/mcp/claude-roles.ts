import { readFileSync } from "node:fs";
import { basename } from "node:path";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { BatonError } from "../errors.ts";
import { describeIssues } from "../util/zod-issues.ts";

/** The frontmatter fields of a Claude Code subagent (`.claude/agents/<name>.md`) a worker turn can carry. */
const frontmatterSchema = z.looseObject({
  name: z.string().min(1).optional(),
  description: z.string().min(1),
  model: z.string().min(1).optional(),
});

/**
 * Reads a Claude Code subagent: its body is the role's system prompt (baton's `instructions`);
 * `model: inherit` means the worker's own model.
 */
export function readClaudeAgent(file: string): {
  name: string;
  file: string;
  description: string;
  instructions?: string;
  model?: string;
} {
  const text = readFileSync(file, "utf8");
  const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/.exec(text);
  if (!match) {
    throw new BatonError("E_CONFIG", `agent role ${file} has no frontmatter (--- name, description ---)`, {
      file,
    });
  }
  let value: unknown;
  try {
    value = parseYaml(match[1]!);
  } catch (error) {
    throw new BatonError(
      "E_CONFIG",
      `agent role ${file}: frontmatter is not valid YAML: ${(error as Error).message}`,
      {
        file,
        cause: error,
      },
    );
  }
  const parsed = frontmatterSchema.safeParse(value);
  if (!parsed.success) {
    const problems = describeIssues(parsed.error, { top: "(top level)", max: Infinity });
    throw new BatonError("E_CONFIG", `agent role ${file} is not valid: ${problems}`, { file });
  }
  const body = match[2]!.trim();
  const model = parsed.data.model === "inherit" ? undefined : parsed.data.model;
  return {
    name: parsed.data.name ?? basename(file, ".md"),
    file,
    description: parsed.data.description,
    instructions: body === "" ? undefined : body,
    model,
  };
}
