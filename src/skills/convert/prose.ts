import { HANDOFF, PROSE_SPAWN, proseText, SHELL } from "../parse/claude-constructs.ts";
import { tokenize } from "../parse/code-lexer.ts";
import { inlineCodeSpans } from "../parse/markdown.ts";
import { registerRole } from "./roles.ts";
import type { ConversionState } from "./state.ts";

type Rewrite = [RegExp, string | ((...m: string[]) => string)];

/**
 * Prose rewrites: only what Claude substitutes before the model reads the text ($ARGUMENTS, $1,
 * ${CLAUDE_PLUGIN_ROOT}, !`cmd`, @agent-x) and spawn instructions that name a subagent_type.
 * Tool names mentioned in prose (TodoWrite, TaskOutput, …) are kept as written and explained once
 * in a "Claude Code terms" section, so no sentence changes meaning.
 */
const SUBSTITUTE: Rewrite[] = [
  [/`\$ARGUMENTS`|\$ARGUMENTS\b/g, "the user's request"],
  [
    /`\$([1-9])`|(^|[^\w$\\{])\$([1-9])(?![\d\w])/g,
    (_m, a, pre, b) => `${pre ?? ""}argument ${a ?? b} of the user's request`,
  ],
  [/\$\{CLAUDE_PLUGIN_ROOT\}/g, "$SKILL_DIR"],
  [/(^|[\s(])@agent-([\w-]+)/g, (_m, pre, name) => `${pre}the \`${name}\` agent`],
];

/** Claude tool names worth explaining when a converted skill still mentions them. */
export const TERMS: Record<string, string> = {
  "Task tool": "`spawn_agent` (then `wait_agent` with a timeout, and `close_agent` after the last read)",
  subagent_type: "`agent_type`: the name of a Codex custom agent (a role in `agents/*.toml`)",
  run_in_background: "spawn now, `wait_agent` later; close the agent after its result is read",
  TaskOutput: "`wait_agent({ targets: [id], timeout_ms })` on the agent, which is still open",
  SendMessage: "`send_input({ target: id, message })` to an open agent, then `wait_agent`",
  TaskStop: "`close_agent({ target: id })`",
  TodoWrite:
    "keep the plan as a checklist in your reply (`update_plan` exists only where `[tools] update_plan` is enabled)",
  AskUserQuestion: "ask the user directly in your reply and wait for the answer",
};
const TERM_PATTERN =
  /\b(Task tool|TaskOutput|SendMessage|TaskStop|TodoWrite|AskUserQuestion|subagent_type|run_in_background)\b/g;

/** Records the Claude tool names a line outside code mentions (prose, tables, quotes). */
export function noteMentions(line: string, state: ConversionState): void {
  for (const match of line.matchAll(TERM_PATTERN)) state.mentions.add(match[1]!);
}

/**
 * Converts one prose line (not a table row, quote or code): substitutions outside inline code,
 * `!`cmd``, spawn instructions naming a subagent_type (→ agent_type of a role), and reports
 * `/plugin:command` hand-offs.
 */
export function convertProseLine(
  line: string,
  where: { file: string; line: number },
  state: ConversionState,
): string {
  noteMentions(line, state);
  let out = mapOutsideCode(line, (text) => {
    let next = text;
    for (const [pattern, replacement] of SUBSTITUTE) next = next.replace(pattern, replacement as string);
    return next;
  });
  out = out.replace(/(^|\s)!`([^`]+)`/g, (_m, pre, cmd) => `${pre}(run \`${cmd}\` first and use its output)`);
  if (/\$ARGUMENTS|`\$[1-9]`|(^|[^\w$\\{])\$[1-9](?![\d\w])/.test(proseText(line)))
    state.usesUserRequest = true;
  if (/\$\{CLAUDE_PLUGIN_ROOT\}/.test(line)) state.usesSkillDir = true;
  out = convertProseSpawn(out, where, state);
  for (const mention of proseText(line).matchAll(/(?:^|[\s(])@agent-([\w-]+)/g))
    registerRole(state, mention[1]!, where);
  const handoff = proseText(out).match(HANDOFF);
  if (handoff) {
    state.unconverted.push({
      file: where.file,
      line: where.line,
      construct: "/command hand-off",
      text: line.trim().slice(0, 160),
      hint: `another Claude command: convert it too and invoke it as $${handoff[1]!.slice(1).replace(/:/g, "-")}`,
    });
  }
  if (out !== line) state.changes.push({ ...where, endLine: where.line, what: "prose substitution" });
  return out;
}

/** `Task tool with subagent_type="x"` / `subagent_type: x` → `spawn_agent` with `agent_type: "<role>"`. */
function convertProseSpawn(
  line: string,
  where: { file: string; line: number },
  state: ConversionState,
): string {
  if (!PROSE_SPAWN.test(line)) return line;
  const global = new RegExp(PROSE_SPAWN.source, "g");
  return line
    .replace(global, (match, _q1, type1, _q2, type2) => {
      const type = (type1 ?? type2) as string | undefined;
      if (!type) return match;
      const role = registerRole(state, type, where);
      return match.startsWith("Task tool")
        ? `\`spawn_agent\` tool with \`agent_type: "${role}"\``
        : `agent_type: "${role}"`;
    })
    .replace(/\b(?:the )?Task tool with (`spawn_agent` tool)/g, "$1");
}

/** Applies `fn` to the parts of a prose line outside inline code spans (spans that are only `$ARGUMENTS`/`$N` included). */
function mapOutsideCode(line: string, fn: (text: string) => string): string {
  let out = "";
  let at = 0;
  for (const [start, end] of inlineCodeSpans(line)) {
    const span = line.slice(start, end);
    if (/^`\$(ARGUMENTS|[1-9])`$/.test(span)) continue;
    out += fn(line.slice(at, start)) + span;
    at = end;
  }
  return out + fn(line.slice(at));
}

const SCRIPT_LANGS = /^(js|javascript|ts|typescript|jsx|tsx|mjs)$/;

/**
 * Code-level substitutions: $ARGUMENTS → USER_REQUEST (interpolated in JS templates, `$USER_REQUEST`
 * elsewhere) and ${CLAUDE_PLUGIN_ROOT} → $SKILL_DIR. Nothing else in code is touched.
 */
export function convertCodeText(code: string, lang: string, state: ConversionState): string {
  let out = code;
  if (/\$\{CLAUDE_PLUGIN_ROOT\}/.test(out)) {
    state.usesSkillDir = true;
    out = out.replace(/\$\{CLAUDE_PLUGIN_ROOT\}/g, SCRIPT_LANGS.test(lang) ? `\${SKILL_DIR}` : "$SKILL_DIR");
  }
  if (!out.includes("$ARGUMENTS")) return out;
  state.usesUserRequest = true;
  if (SHELL.test(lang)) return out.replace(/"\$ARGUMENTS"|\$ARGUMENTS\b/g, '"$USER_REQUEST"');
  if (!SCRIPT_LANGS.test(lang)) return out.replace(/\$ARGUMENTS\b/g, "$USER_REQUEST");
  let result = "";
  for (const token of tokenize(out)) {
    if (!token.text.includes("$ARGUMENTS")) {
      result += token.text;
      continue;
    }
    if (token.kind === "string" && token.text.slice(1, -1) === "$ARGUMENTS") result += "USER_REQUEST";
    else if (token.kind === "string" && token.text.startsWith("`"))
      result += token.text.replace(/\$ARGUMENTS\b/g, `\${USER_REQUEST}`);
    else if (token.kind === "string") result += token.text.replace(/\$ARGUMENTS\b/g, "$USER_REQUEST");
    else result += token.text.replace(/\$ARGUMENTS\b/g, "USER_REQUEST");
  }
  return result;
}
