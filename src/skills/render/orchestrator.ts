import type { SkillConfig } from "../config/schema.ts";
import { joinFrontmatter } from "../parse/frontmatter.ts";
import { renderPhaseBlock } from "./blocks.ts";
import { errorHandlingSection, LIFECYCLE_RULES } from "./lifecycle.ts";
import { phaseFileName } from "./phase.ts";
import { renderRoleInstructions } from "./role.ts";
import { cell, phaseNumber, titleCase } from "./text.ts";

const MODEL_LABEL: Record<string, string> = {
  standard: "standard",
  "parallel-fanout": "parallel fan-out",
  "deep-interaction": "deep interaction",
  "two-phase": "two-phase",
  pipeline: "pipeline",
};

/** Phases that get their own phases/NN-<slug>.md (only in structured mode). */
export function isComplexPhase(config: SkillConfig, phase: SkillConfig["phases"][number]): boolean {
  if (config.outputMode === "single") return false;
  return (
    phase.complexity === "complex" ||
    (phase.complexity === undefined && phase.deliverables.length + phase.qualityCriteria.length >= 5)
  );
}

/**
 * The skill's SKILL.md: the orchestrator Codex loads. In single mode it also holds every role as a
 * "Role: <name>" section, so the file is self-contained.
 */
export function renderSkillMd(config: SkillConfig): string {
  const frontmatter: Record<string, unknown> = {
    name: config.name,
    description: config.description,
    metadata: { "short-description": shortDescription(config.description), generator: "baton skill" },
  };
  const sections = [
    `# ${titleCase(config.name)}`,
    config.description,
    "This skill **explicitly asks for sub-agents**: run the phases below in order and spawn the agents each " +
      "phase names with `spawn_agent`. You are the orchestrator: you spawn, wait, merge and close; the agents do the work.",
    inputSection(config),
    architecture(config),
    registry(config),
    phaseExecution(config),
    aggregation(config),
    lifecycle(config),
    errorHandlingSection(),
  ];
  if (config.outputMode === "single") sections.push(rolesSection(config));
  return joinFrontmatter(frontmatter, `${sections.join("\n\n")}\n`);
}

function shortDescription(description: string): string {
  const first = description.split(/(?<=\.)\s/)[0] ?? description;
  return first.slice(0, 200);
}

function inputSection(config: SkillConfig): string {
  return `## Input
- \`USER_REQUEST\`: the user's message after \`$${config.name}\`. If it is empty, ask the user what to work on and stop.
- \`SKILL_PATH\`: the path of this SKILL.md (shown in the skill block you were given).

Pseudo-code helpers used below: \`fail(phase, reason)\` = close every open agent, report the phase and reason, stop;
\`splitWork(request, strategy)\` = your own division of the request into independent parts;
\`gapsIn(answer)\` / \`answerQuestions(answer)\` = your review of an agent's answer or questions.

\`\`\`javascript
const USER_REQUEST = userMessage.replace(/^\\$${config.name}\\s*/, "")
const results = {} // phase name → the agents' structured outputs
\`\`\``;
}

function architecture(config: SkillConfig): string {
  const rows = config.phases.map((phase, i) => {
    const agents = phase.agents.join(", ");
    return `  ├─ Phase ${i + 1}: ${phase.name} [${MODEL_LABEL[phase.interaction]}]\n  │     spawn_agent(${agents}) → wait_agent(timeout ${phase.timeoutMs} ms) → close_agent`;
  });
  return `## Architecture
\`\`\`text
$${config.name} <request>
  │
  ▼
Orchestrator (this SKILL.md)
${rows.join("\n")}
  │
  ▼
Result Aggregation → one report (every agent closed)
\`\`\``;
}

function registry(config: SkillConfig): string {
  const rows = config.agents.map((agent) => {
    const file =
      config.outputMode === "single" ? `SKILL.md § Role: ${agent.name}` : `agents/${agent.name}.toml`;
    return `| ${agent.name} | ${file} | ${cell(agent.responsibility)} | ${agent.existing ? "existing" : "new"} |`;
  });
  const note =
    config.outputMode === "single"
      ? 'Agents are spawned with `agent_type: "default"` and told to read their role section below first.'
      : "Roles are Codex custom agents: `baton skill deploy` installs `agents/*.toml` into `.codex/agents/` " +
        "(or `$CODEX_HOME/agents/`); spawn them with `agent_type`. Never paste role text into a message.";
  return `## Agent Registry\n| Agent | Role file | Responsibility | Status |\n|---|---|---|---|\n${rows.join("\n")}\n\n${note}`;
}

function phaseExecution(config: SkillConfig): string {
  const blocks = config.phases.map((phase, i) => {
    const detail = isComplexPhase(config, phase)
      ? `\nDetail: read \`phases/${phaseFileName(phase, i)}\` when this phase starts.`
      : "";
    return `### Phase ${i + 1}: ${phase.name}
Goal: ${phase.goal}
Interaction: ${MODEL_LABEL[phase.interaction]} · agents: ${phase.agents.join(", ")} · timeout: ${phase.timeoutMs} ms${detail}

\`\`\`javascript
${renderPhaseBlock(config, phase, i)}
\`\`\``;
  });
  return `## Phase Execution\n${blocks.join("\n\n")}`;
}

function aggregation(config: SkillConfig): string {
  const keys = config.phases.map((p) => `  ${JSON.stringify(p.name)}: results[${JSON.stringify(p.name)}],`);
  return `## Result Aggregation
Merge the agents' structured outputs into one report: deduplicate findings, keep file:line evidence,
resolve conflicting proposals (say which one you chose and why), and list every open question once.

\`\`\`javascript
const report = {
${keys.join("\n")}
}
// Answer the user with: Summary, merged Findings, Proposed changes, Tests, Open questions.
\`\`\``;
}

function lifecycle(config: SkillConfig): string {
  const rows = config.phases.map(
    (p, i) =>
      `| ${phaseNumber(i)} ${cell(p.name)} | ${p.agents.join(", ")} | ${MODEL_LABEL[p.interaction]} | ${p.timeoutMs} |`,
  );
  return `## Lifecycle Management
| Phase | Agents | Interaction | wait_agent timeout_ms |
|---|---|---|---|
${rows.join("\n")}

${LIFECYCLE_RULES}`;
}

function rolesSection(config: SkillConfig): string {
  const roles = config.agents
    .filter((a) => !a.existing)
    .map((agent) => `## Role: ${agent.name}\n${renderRoleInstructions(agent, config.name, 3)}`);
  return `# Roles\nEach spawned agent reads its own section first.\n\n${roles.join("\n\n")}`;
}
