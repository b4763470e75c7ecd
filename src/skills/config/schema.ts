import { z } from "zod";
import { SandboxModeSchema } from "../../backends/sandbox.ts";
import { nameProblem } from "../parse/names.ts";

/**
 * The skill config (the seed's codexSkillConfig): everything a package is generated from.
 * Stored as YAML or JSON; `baton skill schema` prints it as JSON Schema.
 */

export const INTERACTION_MODELS = [
  "standard",
  "parallel-fanout",
  "deep-interaction",
  "two-phase",
  "pipeline",
] as const;
export type InteractionModel = (typeof INTERACTION_MODELS)[number];

export const DEFAULT_PHASE_TIMEOUT_MS = 300_000;
/** Codex clamps wait_agent timeouts to this range. */
export const MIN_WAIT_MS = 10_000;
export const MAX_WAIT_MS = 3_600_000;

const nameSchema = z.string().refine((n) => nameProblem(n) === undefined, {
  error: (issue) => `"${String(issue.input)}" is not a valid name: ${nameProblem(String(issue.input))}`,
});

/** Accepts "parallel fan-out", "Parallel_Fanout", "fan-out" … as spelled by people. */
const interactionSchema = z.preprocess((value) => {
  if (typeof value !== "string") return value;
  const key = value.toLowerCase().replace(/[\s_]+/g, "-");
  const aliases: Record<string, InteractionModel> = {
    "parallel-fan-out": "parallel-fanout",
    "fan-out": "parallel-fanout",
    fanout: "parallel-fanout",
    parallel: "parallel-fanout",
    deep: "deep-interaction",
    "multi-round": "deep-interaction",
    "two-phase-workflow": "two-phase",
    "clarify-execute": "two-phase",
    sequential: "pipeline",
  };
  return aliases[key] ?? key;
}, z.enum(INTERACTION_MODELS));

const textList = z.array(z.string().min(1)).default([]);

export const agentSchema = z.strictObject({
  name: nameSchema.describe("Role name; becomes agents/<name>.toml and the spawn_agent agent_type"),
  role: z.string().min(1).max(200).describe("One line: who this agent is (the role's description)"),
  responsibility: z.string().min(1).describe("What this agent is responsible for in the skill"),
  instructions: z.string().optional().describe("Role-specific instructions, kept verbatim"),
  capabilities: textList.describe("Core Capabilities bullet points"),
  steps: textList.describe("Execution Process steps between loading context and delivering output"),
  always: textList.describe("Key Reminders: ALWAYS"),
  never: textList.describe("Key Reminders: NEVER"),
  existing: z
    .boolean()
    .default(false)
    .describe("The role already exists (deployed elsewhere); no file is generated"),
  model: z.string().optional(),
  reasoningEffort: z.enum(["minimal", "low", "medium", "high", "xhigh"]).optional(),
  sandboxMode: SandboxModeSchema.optional(),
});
export type AgentConfig = z.infer<typeof agentSchema>;

export const phaseSchema = z.strictObject({
  name: z.string().min(1).max(80),
  goal: z.string().min(1),
  scope: z.strictObject({ include: textList, exclude: textList }).default({ include: [], exclude: [] }),
  context: textList.describe("Files or facts every agent of the phase reads first"),
  deliverables: z.array(z.string().min(1)).min(1),
  qualityCriteria: textList,
  agents: z.array(nameSchema).min(1).describe("Agents involved, in order (pipeline order for pipelines)"),
  interaction: interactionSchema
    .optional()
    .describe("Defaults to parallel-fanout for >1 agent, else standard"),
  timeoutMs: z.number().int().min(MIN_WAIT_MS).max(MAX_WAIT_MS).default(DEFAULT_PHASE_TIMEOUT_MS),
  complexity: z
    .enum(["simple", "complex"])
    .optional()
    .describe("complex phases get a phases/NN-<slug>.md file"),
});
export type PhaseConfig = z.infer<typeof phaseSchema> & { interaction: InteractionModel };

export const parallelSplitSchema = z.strictObject({
  phase: z.string().min(1).describe("Name of the fan-out phase this split applies to"),
  strategy: z.string().min(1).describe("How the work is divided, e.g. 'by module' or 'by concern'"),
  agents: z.array(nameSchema).min(1),
});

export const conversionSourceSchema = z.strictObject({
  type: z.enum(["text", "config", "claude-skill", "claude-command", "claude-agent", "codex-prompt"]),
  path: z.string().optional(),
});

export const skillConfigSchema = z
  .strictObject({
    schemaVersion: z.literal(1).default(1),
    name: nameSchema,
    description: z
      .string()
      .min(1)
      .max(1024)
      .refine((d) => !/[<>]/.test(d), { error: "must not contain '<' or '>'" })
      .describe("What the skill does AND when to use it"),
    outputMode: z.enum(["structured", "single"]).default("structured"),
    agents: z.array(agentSchema).min(1),
    phases: z.array(phaseSchema).min(1),
    parallelSplits: z.array(parallelSplitSchema).default([]),
    conversionSource: conversionSourceSchema.nullable().default(null),
  })
  .superRefine((config, ctx) => {
    const known = new Set(config.agents.map((a) => a.name));
    const seen = new Set<string>();
    config.agents.forEach((agent, i) => {
      if (seen.has(agent.name)) {
        ctx.addIssue({
          code: "custom",
          path: ["agents", i, "name"],
          message: `duplicate agent "${agent.name}"`,
        });
      }
      seen.add(agent.name);
    });
    config.phases.forEach((phase, i) => {
      phase.agents.forEach((name, j) => {
        if (!known.has(name)) {
          ctx.addIssue({
            code: "custom",
            path: ["phases", i, "agents", j],
            message: `agent "${name}" is not declared under agents (declared: ${[...known].join(", ")})`,
          });
        }
      });
      const model = resolveInteraction(phase);
      if ((model === "deep-interaction" || model === "two-phase") && phase.agents.length !== 1) {
        ctx.addIssue({
          code: "custom",
          path: ["phases", i, "agents"],
          message: `a ${model} phase talks to exactly one agent; got ${phase.agents.length}`,
        });
      }
      if (model === "pipeline" && phase.agents.length < 2) {
        ctx.addIssue({
          code: "custom",
          path: ["phases", i, "agents"],
          message: "a pipeline needs at least 2 agents",
        });
      }
    });
    const phaseNames = new Set(config.phases.map((p) => p.name));
    config.parallelSplits.forEach((split, i) => {
      if (!phaseNames.has(split.phase)) {
        ctx.addIssue({
          code: "custom",
          path: ["parallelSplits", i, "phase"],
          message: `no phase named "${split.phase}"`,
        });
      }
    });
  });

export type SkillConfigInput = z.input<typeof skillConfigSchema>;
export type SkillConfig = Omit<z.output<typeof skillConfigSchema>, "phases"> & { phases: PhaseConfig[] };

export function resolveInteraction(phase: { agents: string[]; interaction?: InteractionModel | undefined }) {
  return phase.interaction ?? (phase.agents.length > 1 ? "parallel-fanout" : "standard");
}
