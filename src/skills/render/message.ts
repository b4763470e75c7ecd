import type { PhaseConfig, SkillConfig } from "../config/schema.ts";
import { bullets, inTemplate } from "./text.ts";

export interface MessageOptions {
  /** Extra lines for the Context section, already template-escaped (may hold `${…}`). */
  extraContext?: string[];
  /** A heading line added at the very top, e.g. "Phase A: CLARIFY ONLY". */
  mode?: string;
  /** Split assignment for fan-outs: which part of the work this agent owns. */
  assignment?: string;
}

/** How a spawned agent finds its role: by agent_type (structured) or by SKILL.md section (single). */
export function roleStep(config: SkillConfig, agentName: string): string {
  if (config.outputMode === "single") {
    return `**Read your role first**: the section "Role: ${agentName}" of this skill's SKILL.md (\${SKILL_PATH}) — follow it exactly.`;
  }
  return `Your role "${agentName}" is loaded as your instructions (agent_type "${agentName}", file agents/${agentName}.toml): follow its Execution Process.`;
}

/**
 * The body of a TASK ASSIGNMENT message, for the inside of a JS template literal.
 * Sections: MANDATORY FIRST STEPS, Goal, Scope, Context, Deliverables, Quality bar.
 */
export function taskMessage(
  config: SkillConfig,
  phase: PhaseConfig,
  agentName: string,
  options: MessageOptions = {},
): string {
  const firstSteps = [roleStep(config, agentName), ...phase.context.map((c) => `Read: ${inTemplate(c)}`)];
  const context = [
    `User request: \${USER_REQUEST}`,
    ...(options.assignment ? [`Your part of the work: ${options.assignment}`] : []),
    ...(options.extraContext ?? []),
  ];
  const quality =
    phase.qualityCriteria.length > 0
      ? phase.qualityCriteria.map(inTemplate)
      : ["Every claim is backed by evidence"];
  return [
    "## TASK ASSIGNMENT",
    ...(options.mode ? [`**${options.mode}**`] : []),
    "",
    "### MANDATORY FIRST STEPS",
    firstSteps.map((s, i) => `${i + 1}. ${s}`).join("\n"),
    "",
    "### Goal",
    inTemplate(phase.goal),
    "",
    "### Scope",
    `Include:\n${bullets(phase.scope.include.map(inTemplate), "what the Goal needs")}`,
    `Exclude:\n${bullets(phase.scope.exclude.map(inTemplate), "anything the Goal does not need")}`,
    "",
    "### Context",
    context.join("\n"),
    "",
    "### Deliverables",
    bullets(phase.deliverables.map(inTemplate)),
    "",
    "### Quality bar",
    bullets(quality),
    "",
    "Reply in the structured Output Format of your role (Summary, Findings, Proposed changes, Tests, Open questions).",
  ].join("\n");
}
