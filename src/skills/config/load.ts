import { isNode, LineCounter, parseDocument } from "yaml";
import type { z } from "zod";
import { BatonError } from "../../errors.ts";
import { readTextSafe } from "../parse/safe-fs.ts";
import { resolveInteraction, type SkillConfig, skillConfigSchema } from "./schema.ts";

/**
 * Reads a skill config (YAML or JSON) and validates it; every error names file, line and field.
 * @example const config = await loadSkillConfig("review.skill.yaml")
 */
export async function loadSkillConfig(file: string): Promise<SkillConfig> {
  return parseSkillConfig(await readTextSafe(file), file);
}

export function parseSkillConfig(text: string, file: string): SkillConfig {
  const lineCounter = new LineCounter();
  // JSON is parsed by the YAML parser as well so both get line numbers.
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const yamlError = doc.errors[0];
  if (yamlError) {
    const line = lineCounter.linePos(yamlError.pos[0]).line;
    throw new BatonError(
      "E_CONFIG",
      `${file}:${line}: the config does not parse: ${yamlError.message.split("\n")[0]}`,
      { file, line },
    );
  }
  const result = skillConfigSchema.safeParse(doc.toJS());
  if (!result.success) {
    const lines = result.error.issues.slice(0, 8).map((issue) => {
      const line = lineOfPath(doc, lineCounter, issue.path);
      const where = issue.path.length > 0 ? issue.path.join(".") : "(top level)";
      return `  ${file}:${line} ${where}: ${issue.message}`;
    });
    const first = result.error.issues[0];
    throw new BatonError(
      "E_CONFIG",
      `${file} is not a valid skill config:\n${lines.join("\n")}\n` +
        "Run `baton skill schema` for the expected fields, or see docs/skills.md.",
      { file, line: first ? lineOfPath(doc, lineCounter, first.path) : 1 },
    );
  }
  return normalizeConfig(result.data);
}

/** Validates an in-memory config (from text, a prompt or a conversion). */
export function checkSkillConfig(value: unknown, origin: string): SkillConfig {
  const result = skillConfigSchema.safeParse(value);
  if (!result.success) {
    const detail = result.error.issues
      .slice(0, 8)
      .map((i) => `  ${i.path.join(".") || "(top level)"}: ${i.message}`)
      .join("\n");
    throw new BatonError("E_CONFIG", `the skill config derived from ${origin} is not valid:\n${detail}`);
  }
  return normalizeConfig(result.data);
}

function normalizeConfig(data: z.output<typeof skillConfigSchema>): SkillConfig {
  return { ...data, phases: data.phases.map((p) => ({ ...p, interaction: resolveInteraction(p) })) };
}

function lineOfPath(
  doc: ReturnType<typeof parseDocument>,
  counter: LineCounter,
  path: PropertyKey[],
): number {
  for (let length = path.length; length >= 0; length--) {
    const node = doc.getIn(path.slice(0, length) as Array<string | number>, true);
    if (isNode(node) && node.range) return counter.linePos(node.range[0]).line;
  }
  return 1;
}
