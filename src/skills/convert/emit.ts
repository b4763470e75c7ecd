import { stringValue } from "../parse/code-lexer.ts";
import { inTemplate } from "../render/text.ts";

/** Text the converter emits in place of Claude calls (Codex multi-agent tools). */

export const FOREGROUND_TIMEOUT_MS = 300_000;
export const PARALLEL_TIMEOUT_MS = 600_000;

/** The spawn message: a TASK ASSIGNMENT around the Claude prompt, which is kept verbatim as `${…}`. */
export function wrapPrompt(role: string, description: string | undefined, prompt: string): string {
  const goal =
    description === undefined
      ? "Complete the task below."
      : /^["'`]/.test(description.trim()) && !description.includes("${")
        ? inTemplate(stringValue(description.trim()))
        : `\${${description}}`;
  return [
    "## TASK ASSIGNMENT",
    "### MANDATORY FIRST STEPS",
    `1. Your role "${role}" is loaded as your instructions (agent_type "${role}"): follow it.`,
    "",
    "### Goal",
    goal,
    "",
    "### Scope",
    "Only what the task below asks for; report anything outside it under Open questions.",
    "",
    "### Deliverables",
    "What the task below asks for, in the structured Output Format: Summary, Findings, Proposed changes, Tests, Open questions.",
    "",
    "### Task",
    `\${${prompt}}`,
  ].join("\n");
}

export function spawnText(decl: string, idVar: string, role: string, message: string): string {
  return `${decl}${idVar} = spawn_agent({\n  agent_type: "${role}",\n  message: \`${message}\`,\n})`;
}

export function waitText(waitVar: string, targets: string, timeoutMs: number, onTimeout: string[]): string {
  return [
    `const ${waitVar} = wait_agent({ targets: ${targets}, timeout_ms: ${timeoutMs} })`,
    `if (${waitVar}.timed_out) {`,
    ...onTimeout.map((l) => `  ${l}`),
    "}",
  ].join("\n");
}

/** The timeout branch of a single agent: close it and report. */
export function timeoutBranch(idVar: string, what: string, timeoutMs: number): string[] {
  return [
    `close_agent({ target: ${idVar} })`,
    `return fail(${JSON.stringify(what)}, "no result within ${timeoutMs} ms")`,
  ];
}

/** wait_agent returns when any target finishes, so a batch is collected in a loop. */
export function collectText(group: string, idsVar: string, timeoutMs: number): string {
  return [
    `const ${group}Results = {}`,
    `let ${group}Pending = [...${idsVar}]`,
    `while (${group}Pending.length > 0) {`,
    `  const ${group}Wait = wait_agent({ targets: ${group}Pending, timeout_ms: ${timeoutMs} })`,
    `  if (${group}Wait.timed_out) break // go on with what completed (at least 70%); report the rest`,
    `  for (const [id, status] of Object.entries(${group}Wait.status)) {`,
    `    ${group}Results[id] = status`,
    `    ${group}Pending = ${group}Pending.filter((pending) => pending !== id)`,
    "  }",
    "}",
  ].join("\n");
}

export function indentLines(text: string, indent: string): string {
  return text.replace(/\n/g, `\n${indent}`);
}
