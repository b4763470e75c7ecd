import { isNode, LineCounter, parseDocument } from "yaml";
import type { z } from "zod";
import { BatonError } from "../../errors.ts";
import { readTextSafe } from "../parse/safe-fs.ts";
import { resolveInteraction, type SkillConfig, skillConfigSchema } from "./schema.ts";
import { fromSeedConfig, isSeedFormat, seedConfigSchema } from "./seed.ts";

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
  let value: unknown = doc.toJS();
  const seedFormat = isSeedFormat(value);
  if (seedFormat) {
    const seed = seedConfigSchema.safeParse(value);
    if (!seed.success)
      throw configError(file, doc, lineCounter, seed.error.issues, " (the seed's codexSkillConfig spelling)");
    value = fromSeedConfig(seed.data);
  }
  const result = skillConfigSchema.safeParse(value);
  if (!result.success) {
    const issues = seedFormat ? result.error.issues.map(toSeedPath) : result.error.issues;
    throw configError(
      file,
      doc,
      lineCounter,
      issues,
      seedFormat ? " (read as the seed's codexSkillConfig spelling)" : "",
    );
  }
  return normalizeConfig(result.data);
}

type Issue = { path: PropertyKey[]; message: string };

/** The seed's field names for a baton path, so an error names what the file says. */
const SEED_NAMES: Record<string, string> = {
  agents: "agents_involved",
  interaction: "interaction_model",
  timeoutMs: "timeout_ms",
  qualityCriteria: "quality_criteria",
  capabilities: "patterns",
};

function toSeedPath(issue: Issue): Issue {
  const inAgents = issue.path[0] === "agents";
  const path = issue.path.map((key, i) =>
    typeof key === "string" && i > 0 && (!inAgents || key === "capabilities")
      ? (SEED_NAMES[key] ?? key)
      : key,
  );
  return { ...issue, path };
}

function configError(
  file: string,
  doc: ReturnType<typeof parseDocument>,
  lineCounter: LineCounter,
  issues: readonly Issue[],
  spelling: string,
): BatonError {
  const lines = issues.slice(0, 8).map((issue) => {
    const line = lineOfPath(doc, lineCounter, issue.path);
    const where = issue.path.length > 0 ? issue.path.join(".") : "(top level)";
    return `  ${file}:${line} ${where}: ${issue.message}`;
  });
  const first = issues[0];
  return new BatonError(
    "E_CONFIG",
    `${file} is not a valid skill config${spelling}:\n${lines.join("\n")}\n` +
      "Run `baton skill schema` for the expected fields (baton's and the seed's spelling), or see docs/skills.md.",
    { file, line: first ? lineOfPath(doc, lineCounter, first.path) : 1 },
  );
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
