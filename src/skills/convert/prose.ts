import { tokenize } from "../parse/code-lexer.ts";
import type { ConversionState } from "./state.ts";

type Rewrite = [RegExp, string | ((...m: string[]) => string)];

/** Prose rewrites: Claude tool names and placeholders → what a Codex skill says instead. */
const PROSE_REWRITES: Rewrite[] = [
  [/`?\$ARGUMENTS`?/g, "the user's request"],
  [/(^|[^\w$\\])\$([1-9])(?!\d)/g, (_m, pre, n) => `${pre}argument ${n} of the user's request`],
  [/\$\{CLAUDE_PLUGIN_ROOT\}\//g, ""],
  [/\$\{CLAUDE_PLUGIN_ROOT\}/g, "the skill directory"],
  [/(^|\s)!`([^`]+)`/g, (_m, pre, cmd) => `${pre}(run \`${cmd}\` first and use its output)`],
  [/(^|[\s(])@agent-([\w-]+)/g, (_m, pre, name) => `${pre}the \`${name}\` agent`],
  [/`?TodoWrite`?/g, "`update_plan`"],
  [/`?AskUserQuestion`?/g, "a direct question to the user"],
  [/`?TaskOutput(\(\))?`?/g, "`wait_agent`"],
  [/`?SendMessage(\(\))?`?/g, "`send_input`"],
  [/\bTask tool\b/g, "`spawn_agent` tool"],
  [/\bTask agents\b/g, "sub-agents"],
  [/\bTask agent\b/g, "sub-agent"],
  [/`Task\(\)`/g, "`spawn_agent()`"],
  [/\bsubagent_type\b/g, "agent_type"],
  [/\brun_in_background\b/g, "background spawn"],
  [/\bCLAUDE\.md\b/g, "AGENTS.md"],
];

const HANDOFF = /(?:^|\s)`?(\/[a-z][\w-]*:[\w:-]+)`?/;

/** Converts one prose line; reports hand-offs to Claude slash commands, which have no automatic equivalent. */
export function convertProseLine(
  line: string,
  where: { file: string; line: number },
  state: ConversionState,
): string {
  let out = line;
  if (/\$ARGUMENTS/.test(line)) state.usesUserRequest = true;
  for (const [pattern, replacement] of PROSE_REWRITES) {
    out = out.replace(pattern, replacement as string);
  }
  const handoff = out.match(HANDOFF);
  if (handoff) {
    state.unconverted.push({
      file: where.file,
      line: where.line,
      construct: "/command hand-off",
      text: line.trim().slice(0, 160),
      hint: `invoke the converted skill instead (Codex: $${handoff[1]!.slice(1).replace(/:/g, "-")})`,
    });
  }
  return out;
}

/**
 * Code-level rewrites that are not calls: $ARGUMENTS (→ USER_REQUEST), ${CLAUDE_PLUGIN_ROOT}, CLAUDE.md.
 * Strings stay strings: inside a template the request is interpolated.
 */
export function convertCodeText(code: string, lang: string, state: ConversionState): string {
  let out = code
    .replace(/\$\{CLAUDE_PLUGIN_ROOT\}\//g, "./")
    .replace(/\$\{CLAUDE_PLUGIN_ROOT\}/g, ".")
    .replace(/\bCLAUDE\.md\b/g, "AGENTS.md");
  if (!out.includes("$ARGUMENTS")) return out;
  state.usesUserRequest = true;
  if (/^(bash|sh|shell|zsh|console)$/.test(lang)) return out.replace(/\$ARGUMENTS\b/g, '"$USER_REQUEST"');
  let result = "";
  for (const token of tokenize(out)) {
    if (!token.text.includes("$ARGUMENTS")) {
      result += token.text;
      continue;
    }
    const quote = token.text[0];
    if (token.kind === "string" && token.text.slice(1, -1) === "$ARGUMENTS") result += "USER_REQUEST";
    else if (token.kind === "string" && quote === "`")
      result += token.text.replace(/\$ARGUMENTS\b/g, `\${USER_REQUEST}`);
    else if (token.kind === "string")
      result += token.text.replace(/\$ARGUMENTS\b/g, `${quote} + USER_REQUEST + ${quote}`);
    else result += token.text.replace(/\$ARGUMENTS\b/g, "USER_REQUEST");
  }
  out = result;
  return out;
}
