import type { PhaseConfig, SkillConfig } from "../config/schema.ts";
import { slugify } from "../parse/names.ts";
import { bullets, phaseNumber } from "./text.ts";

export function phaseFileName(phase: PhaseConfig, index: number): string {
  return `${phaseNumber(index)}-${slugify(phase.name, "phase")}.md`;
}

/** phases/NN-<slug>.md: the full brief of a complex phase, read by the orchestrator when it starts. */
export function renderPhaseDoc(config: SkillConfig, phase: PhaseConfig, index: number): string {
  const next = config.phases[index + 1];
  const split = config.parallelSplits.find((s) => s.phase === phase.name);
  return `# Phase ${index + 1}: ${phase.name}

## Goal
${phase.goal}

## Scope
Include:
${bullets(phase.scope.include, "what the Goal needs")}

Exclude:
${bullets(phase.scope.exclude, "anything the Goal does not need")}

## Context
${bullets(phase.context, "the user's request")}

## Deliverables
${bullets(phase.deliverables)}

## Quality Criteria
${bullets(phase.qualityCriteria, "every claim is backed by evidence (file:line, command output)")}

## Agents and Interaction
- Agents: ${phase.agents.join(", ")}
- Interaction model: ${phase.interaction}
- wait_agent timeout: ${phase.timeoutMs} ms; on \`timed_out\` close the agent and report the phase as timed out
${split ? `- Parallel split: ${split.strategy} (${split.agents.join(", ")})\n` : ""}
## Hand-off
${next ? `Pass the merged results of this phase to Phase ${index + 2} (${next.name}) as Context.` : "This is the last phase: go to Result Aggregation."}
`;
}
