import type { PhaseConfig, SkillConfig } from "../config/schema.ts";
import { taskMessage } from "./message.ts";
import { identifier, inTemplate } from "./text.ts";

/**
 * One pseudo-code block per phase, in the phase's interaction model, using Codex's multi-agent
 * tools: spawn_agent, wait_agent (with timeout_ms and a timed_out check), send_input, close_agent.
 */
export function renderPhaseBlock(config: SkillConfig, phase: PhaseConfig, index: number): string {
  const ctx: BlockContext = { config, phase, n: index + 1, key: JSON.stringify(phase.name) };
  switch (phase.interaction) {
    case "parallel-fanout":
      return phase.agents.length > 1 ? fanOutAgents(ctx) : fanOutParts(ctx);
    case "deep-interaction":
      return deepInteraction(ctx);
    case "two-phase":
      return twoPhase(ctx);
    case "pipeline":
      return pipeline(ctx);
    default:
      return standard(ctx);
  }
}

interface BlockContext {
  config: SkillConfig;
  phase: PhaseConfig;
  n: number;
  key: string;
}

function idOf(ctx: BlockContext, agent: string): string {
  return `${identifier(agent)}${ctx.n}`;
}

function spawn(ctx: BlockContext, agent: string, message: string, binding: string): string {
  const type = ctx.config.outputMode === "single" ? "default" : agent;
  return `const ${binding} = spawn_agent({\n  agent_type: "${type}",\n  message: \`${message}\`,\n})`;
}

/** wait_agent + timed_out check; on timeout the agent is closed and the phase reports failure. */
function waitOne(ctx: BlockContext, id: string, waitVar: string, onTimeout = ""): string {
  return [
    `const ${waitVar} = wait_agent({ targets: [${id}], timeout_ms: ${ctx.phase.timeoutMs} })`,
    `if (${waitVar}.timed_out) {`,
    `  // No answer within ${ctx.phase.timeoutMs} ms: stop waiting, clean up, report the phase as timed out.`,
    ...(onTimeout ? [`  ${onTimeout}`] : []),
    `  close_agent({ target: ${id} })`,
    `  return fail(${ctx.key}, "timed out after ${ctx.phase.timeoutMs} ms")`,
    "}",
  ].join("\n");
}

function header(ctx: BlockContext, model: string): string {
  return `// Phase ${ctx.n}: ${ctx.phase.name} — ${model}; every wait_agent has timeout_ms ${ctx.phase.timeoutMs}`;
}

function standard(ctx: BlockContext): string {
  const agent = ctx.phase.agents[0]!;
  const id = idOf(ctx, agent);
  return [
    header(ctx, "standard: spawn → wait → close"),
    spawn(ctx, agent, taskMessage(ctx.config, ctx.phase, agent), id),
    waitOne(ctx, id, `${id}Wait`),
    `results[${ctx.key}] = ${id}Wait.status[${id}].completed`,
    `close_agent({ target: ${id} })`,
  ].join("\n");
}

function collectLoop(ctx: BlockContext, idsVar: string): string {
  const p = `phase${ctx.n}`;
  return [
    `const ${p}Results = {}`,
    `let ${p}Pending = [...${idsVar}]`,
    "// wait_agent returns when ANY target finishes: loop until all are done or a wait times out.",
    `while (${p}Pending.length > 0) {`,
    `  const ${p}Wait = wait_agent({ targets: ${p}Pending, timeout_ms: ${ctx.phase.timeoutMs} })`,
    `  if (${p}Wait.timed_out) break // partial-results rule below`,
    `  for (const [id, status] of Object.entries(${p}Wait.status)) {`,
    `    ${p}Results[id] = status`,
    `    ${p}Pending = ${p}Pending.filter((pending) => pending !== id)`,
    "  }",
    "}",
    "// Partial results: go on when at least 70% of the agents completed; otherwise the phase fails.",
    `const ${p}Done = Object.values(${p}Results).filter((s) => s.completed !== undefined).length`,
    `${idsVar}.forEach((id) => close_agent({ target: id }))`,
    `if (${p}Done < Math.ceil(${idsVar}.length * 0.7)) return fail(${ctx.key}, \`only \${${p}Done} of \${${idsVar}.length} agents completed\`)`,
    `results[${ctx.key}] = ${p}Results`,
  ].join("\n");
}

function splitFor(ctx: BlockContext) {
  return ctx.config.parallelSplits.find((s) => s.phase === ctx.phase.name);
}

function fanOutAgents(ctx: BlockContext): string {
  const split = splitFor(ctx);
  const spawns = ctx.phase.agents.map((agent) => {
    const owner = ctx.config.agents.find((a) => a.name === agent);
    const assignment = split
      ? `split ${inTemplate(split.strategy)}; you own: ${inTemplate(owner?.responsibility ?? agent)}`
      : inTemplate(owner?.responsibility ?? agent);
    return spawn(ctx, agent, taskMessage(ctx.config, ctx.phase, agent, { assignment }), idOf(ctx, agent));
  });
  const idsVar = `phase${ctx.n}Ids`;
  return [
    header(ctx, `parallel fan-out: ${ctx.phase.agents.length} spawns → one batch wait → close all`),
    ...spawns,
    `const ${idsVar} = [${ctx.phase.agents.map((a) => idOf(ctx, a)).join(", ")}]`,
    collectLoop(ctx, idsVar),
  ].join("\n");
}

function fanOutParts(ctx: BlockContext): string {
  const agent = ctx.phase.agents[0]!;
  const split = splitFor(ctx);
  const strategy = split?.strategy ?? "into independent parts";
  const idsVar = `phase${ctx.n}Ids`;
  const message = taskMessage(ctx.config, ctx.phase, agent, { assignment: `\${part}` });
  const type = ctx.config.outputMode === "single" ? "default" : agent;
  return [
    header(ctx, "parallel fan-out over parts: spawn per part → one batch wait → close all"),
    `// Divide the work ${strategy.replace(/\n/g, " ")}; at most 6 parts (Codex's agents.max_threads).`,
    `const phase${ctx.n}Parts = splitWork(USER_REQUEST, ${JSON.stringify(strategy)}).slice(0, 6)`,
    `const ${idsVar} = phase${ctx.n}Parts.map((part) => spawn_agent({\n  agent_type: "${type}",\n  message: \`${message}\`,\n}))`,
    collectLoop(ctx, idsVar),
  ].join("\n");
}

function deepInteraction(ctx: BlockContext): string {
  const agent = ctx.phase.agents[0]!;
  const id = idOf(ctx, agent);
  return [
    header(ctx, "deep interaction: spawn → wait → send_input → wait → close"),
    spawn(ctx, agent, taskMessage(ctx.config, ctx.phase, agent), id),
    waitOne(ctx, id, `${id}Round1`),
    "// Review round 1. Ask for what is missing; the agent keeps its context (do NOT close it yet).",
    `send_input({\n  target: ${id},\n  message: \`## FOLLOW-UP\nGaps in your previous answer: \${gapsIn(${id}Round1.status[${id}].completed)}\nAddress them and reply again in the full Output Format.\`,\n})`,
    waitOne(ctx, id, `${id}Round2`),
    `results[${ctx.key}] = ${id}Round2.status[${id}].completed`,
    `close_agent({ target: ${id} }) // only after the last round`,
  ].join("\n");
}

function twoPhase(ctx: BlockContext): string {
  const agent = ctx.phase.agents[0]!;
  const id = idOf(ctx, agent);
  const mode =
    'Phase A: CLARIFY ONLY. Do not implement yet: reply with CLARIFICATION_NEEDED and your questions, or with "no questions".';
  return [
    header(ctx, "two-phase: spawn (clarify) → wait → send_input (answers) → wait → close"),
    spawn(ctx, agent, taskMessage(ctx.config, ctx.phase, agent, { mode }), id),
    waitOne(ctx, id, `${id}Clarify`),
    "// Answer from the request and the repository; ask the user directly only what neither answers.",
    `const ${id}Answers = answerQuestions(${id}Clarify.status[${id}].completed)`,
    `send_input({\n  target: ${id},\n  message: \`## ANSWERS\n\${${id}Answers}\n\nPhase B: now deliver the full solution in the Output Format.\`,\n})`,
    waitOne(ctx, id, `${id}Solution`),
    `results[${ctx.key}] = ${id}Solution.status[${id}].completed`,
    `close_agent({ target: ${id} })`,
  ].join("\n");
}

function pipeline(ctx: BlockContext): string {
  const lines = [
    header(ctx, `pipeline: ${ctx.phase.agents.join(" → ")}, each stage gets the previous result`),
  ];
  let previous: { agent: string; result: string } | undefined;
  for (const agent of ctx.phase.agents) {
    const id = idOf(ctx, agent);
    const extraContext = previous
      ? [`Result of the previous stage (${previous.agent}):\n\${${previous.result}}`]
      : [];
    lines.push(
      spawn(ctx, agent, taskMessage(ctx.config, ctx.phase, agent, { extraContext }), id),
      waitOne(ctx, id, `${id}Wait`),
      `const ${id}Result = ${id}Wait.status[${id}].completed`,
      `close_agent({ target: ${id} })`,
    );
    previous = { agent, result: `${id}Result` };
  }
  lines.push(`results[${ctx.key}] = ${previous!.result}`);
  return lines.join("\n");
}
