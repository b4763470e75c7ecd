import { z } from "zod";

/**
 * The seed's own codexSkillConfig spelling (`role_file`, `patterns`, `agents_involved`,
 * `interaction_model`, `quality_criteria`, `timeout_ms`, `complexity`, `context` as text), as
 * `../shared/reference/skill-formats.md` describes it. It is read as its own shape and mapped onto
 * baton's config, so a seed-format file works with `skill new --from-config` unchanged.
 */

const text = z.string().min(1);
const textOrList = z.union([text, z.array(text)]);

const seedAgentSchema = z.looseObject({
  name: text.describe("Role name"),
  role_file: text
    .optional()
    .describe("Where the seed kept the role (e.g. agents/<name>.md); baton writes agents/<name>.toml"),
  responsibility: text.describe("What the agent does in the skill"),
  patterns: textOrList.optional().describe("Patterns the agent follows; they become its Core Capabilities"),
  role: text.optional(),
  existing: z.boolean().optional(),
});

const seedPhaseSchema = z.looseObject({
  name: text,
  agents_involved: z
    .array(text)
    .min(1)
    .describe("Agents of the phase; more than one means a parallel fan-out"),
  interaction_model: text
    .optional()
    .describe('"standard", "parallel fan-out", "deep interaction", "two-phase" or "pipeline"'),
  goal: text.optional(),
  scope: z.looseObject({ include: textOrList.optional(), exclude: textOrList.optional() }).optional(),
  context: textOrList.optional().describe("Text (or a list) every agent of the phase reads first"),
  deliverables: textOrList.optional(),
  quality_criteria: textOrList.optional(),
  timeout_ms: z.number().int().optional(),
  complexity: text.optional().describe("simple | moderate | complex (also low / medium / high)"),
});

export const seedConfigSchema = z.looseObject({
  name: text,
  description: text,
  outputMode: z.enum(["structured", "single"]).optional(),
  agents: z.array(seedAgentSchema).min(1),
  phases: z.array(seedPhaseSchema).min(1),
  parallelSplits: z
    .array(z.looseObject({ strategy: text, agents: z.array(text).min(1), phase: text.optional() }))
    .optional(),
  conversionSource: z.looseObject({ type: text, path: text.optional() }).nullable().optional(),
});
export type SeedConfig = z.infer<typeof seedConfigSchema>;

/** Keys only the seed's spelling uses; one of them marks a config as seed-format. */
const SEED_AGENT_KEYS = ["role_file", "patterns"];
const SEED_PHASE_KEYS = ["agents_involved", "interaction_model", "quality_criteria", "timeout_ms"];

export function isSeedFormat(value: unknown): boolean {
  if (typeof value !== "object" || value === null) return false;
  const config = value as { agents?: unknown; phases?: unknown };
  const has = (items: unknown, keys: string[]) =>
    Array.isArray(items) &&
    items.some((item) => typeof item === "object" && item !== null && keys.some((k) => k in item));
  return has(config.agents, SEED_AGENT_KEYS) || has(config.phases, SEED_PHASE_KEYS);
}

const list = (value: string | string[] | undefined): string[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

const COMPLEXITY: Record<string, "simple" | "complex"> = {
  simple: "simple",
  low: "simple",
  moderate: "simple",
  medium: "simple",
  complex: "complex",
  high: "complex",
};

/**
 * A seed-format config → baton's field names (validated afterwards by the baton schema, so every
 * error still names the field). Fields baton needs and the seed leaves out get stated defaults:
 * a phase goal from its name, deliverables in the structured Output Format, a role line from the
 * responsibility.
 */
export function fromSeedConfig(seed: SeedConfig): Record<string, unknown> {
  const phases = seed.phases.map((phase) => {
    const complexity = phase.complexity ? COMPLEXITY[phase.complexity.toLowerCase()] : undefined;
    return {
      name: phase.name,
      goal: phase.goal ?? `Complete the ${phase.name} phase of ${seed.name}`,
      scope: { include: list(phase.scope?.include), exclude: list(phase.scope?.exclude) },
      context: list(phase.context),
      deliverables: phase.deliverables
        ? list(phase.deliverables)
        : [`the ${phase.name} result in the structured Output Format`],
      qualityCriteria: list(phase.quality_criteria),
      agents: phase.agents_involved,
      ...(phase.interaction_model ? { interaction: phase.interaction_model } : {}),
      ...(phase.timeout_ms !== undefined ? { timeoutMs: phase.timeout_ms } : {}),
      ...(complexity ? { complexity } : phase.complexity ? { complexity: phase.complexity } : {}),
    };
  });
  const splits = (seed.parallelSplits ?? []).map((split) => ({
    phase:
      split.phase ??
      seed.phases.find((p) => split.agents.every((a) => p.agents_involved.includes(a)))?.name ??
      seed.phases[0]!.name,
    strategy: split.strategy,
    agents: split.agents,
  }));
  return {
    name: seed.name,
    description: seed.description,
    ...(seed.outputMode ? { outputMode: seed.outputMode } : {}),
    agents: seed.agents.map((agent) => ({
      name: agent.name,
      role: agent.role ?? agent.responsibility.split(/[.;\n]/)[0]!.slice(0, 200),
      responsibility: agent.responsibility,
      capabilities: list(agent.patterns),
      ...(agent.existing !== undefined ? { existing: agent.existing } : {}),
    })),
    phases,
    parallelSplits: splits,
    conversionSource: seed.conversionSource ?? null,
  };
}
