import { type Call, findCalls, lineOf } from "./code-calls.ts";
import { type CodeBlock, inlineCodeSpans, type MarkdownDoc, parseMarkdown } from "./markdown.ts";

/**
 * Claude Code constructs, recognised on the structure of a Markdown file: calls only inside code
 * (object form `Task({…})`, keyword form `Task(subagent_type="…")`, YAML `Task:` blocks), spawn
 * instructions and substitutions only in prose. A mention — a table cell, inline code, a quoted or
 * counter-example — is not a construct.
 */
export interface ConstructHit {
  construct: string;
  /** `call`: a tool call in code; `yaml`: a `Task:` block; `prose-spawn`: a sub-agent named in prose; `substitution`: text Claude replaces before the model reads it. */
  kind: "call" | "yaml" | "prose-spawn" | "substitution";
  file: string;
  line: number;
  endLine: number;
  text: string;
  hint: string;
}

/** Claude tools called from skill code, with what each becomes in Codex. */
const CLAUDE_TOOLS: Record<string, string> = {
  Task: "spawn_agent + wait_agent + close_agent",
  Agent: "spawn_agent + wait_agent + close_agent",
  TaskOutput: "wait_agent({ targets: [id], timeout_ms }) on the still-open agent",
  SendMessage: "send_input({ target: id, message }) then wait_agent",
  TaskStop: "close_agent({ target: id })",
  TodoWrite: "a checklist in the reply (update_plan only where [tools] update_plan is enabled)",
  AskUserQuestion: "ask the user directly and wait for the answer",
};
const CALL_NAMES = Object.keys(CLAUDE_TOOLS);

export const SHELL = /^(bash|sh|shell|zsh|console|shell-session|powershell|ps1|fish)$/;
/** Diagrams and plain text: a `Task(x)` there is a label, not a call. */
export const NOT_CODE = /^(text|txt|plaintext|plain|mermaid|diagram|ascii)$/;
/** A Markdown fence quotes a whole document (an example command or agent file): nothing in it is the skill's own. */
export const QUOTED_DOC = /^(markdown|md|mdx)$/;
/** Marks a code block as an example of what not to do; its calls are quoted, not made. */
const COUNTER_EXAMPLE = /(^|[^\w])(BAD|WRONG|INCORRECT|DON'?T|AVOID|ANTI-?PATTERN|NEVER)\b|❌|✗/;

interface SubstitutionRule {
  construct: string;
  pattern: RegExp;
  hint: string;
}

const SUBSTITUTIONS: SubstitutionRule[] = [
  { construct: "$ARGUMENTS", pattern: /\$ARGUMENTS\b/, hint: "the user's request after $<skill-name>" },
  {
    construct: "positional $N argument",
    pattern: /(?:^|[^\w$\\{])\$[1-9](?![\d\w])/,
    hint: "the Nth word of the user's request",
  },
  {
    construct: `\${CLAUDE_PLUGIN_ROOT}`,
    pattern: /\$\{CLAUDE_PLUGIN_ROOT\}/,
    hint: "the skill's directory ($SKILL_DIR)",
  },
  {
    construct: "!`command` injection",
    pattern: /(?:^|\s)!`[^`]+`/,
    hint: "tell the agent to run the command first",
  },
  { construct: "@agent- mention", pattern: /(?:^|[\s(])@agent-[\w-]+/, hint: "the agent's role name" },
];

/** "use the Task tool with subagent_type X", "subagent_type: X", "subagent_type=X" in prose. */
export const PROSE_SPAWN =
  /\bTask tool with (?:the )?subagent_type\s*(?:[=:]\s*|\s+)\\?(["'`]?)([A-Za-z][\w:.-]*)\1|\bsubagent_type\s*[=:]\s*\\?(["'`]?)([A-Za-z][\w:.-]*)\3/;

/** A `/plugin:command` hand-off in prose: another Claude command, which has no automatic equivalent. */
export const HANDOFF = /(?:^|\s)`?(\/[a-z][\w-]*:[\w:-]+)`?(?=[\s.,;)]|$)/;

/**
 * Finds the Claude-only constructs of a Markdown file (line numbers are the text's own).
 * @example scanClaudeConstructs("```js\nTask({ prompt: 'x' })\n```", "SKILL.md")[0].kind // "call"
 */
export function scanClaudeConstructs(
  text: string,
  file: string,
  doc: MarkdownDoc = parseMarkdown(text),
): ConstructHit[] {
  const hits: ConstructHit[] = [];
  for (const block of doc.codeBlocks) {
    if (QUOTED_DOC.test(block.lang) || isCounterExample(doc, block)) continue;
    hits.push(...scanCode(block, file));
  }
  doc.lines.forEach((line, index) => {
    const kind = doc.kinds[index];
    if (kind !== "prose" && kind !== "heading") return;
    hits.push(...scanProseLine(line, file, index + 1));
  });
  return hits.sort((a, b) => a.line - b.line);
}

/** The constructs of one code block. */
function scanCode(block: CodeBlock, file: string): ConstructHit[] {
  const hits: ConstructHit[] = [];
  const at = (offset: number) => block.startLine + lineOf(block.text, offset) - 1;
  const push = (hit: Omit<ConstructHit, "file">) => hits.push({ file, ...hit });
  if (!SHELL.test(block.lang)) {
    for (const call of NOT_CODE.test(block.lang) ? [] : findCalls(block.text, CALL_NAMES)) {
      if (!isCall(call, block.text, block.lang)) continue;
      const resume = call.entries?.some((e) => e.key === "resume");
      push({
        construct: resume ? "resume:" : `${call.name}()`,
        kind: "call",
        line: at(call.start),
        endLine: at(call.end),
        text: block.text.slice(call.start, call.end).split("\n")[0]!.trim().slice(0, 160),
        hint: resume
          ? "send_input({ target: id, message }) on the still-open agent"
          : CLAUDE_TOOLS[call.name]!,
      });
    }
    for (const yaml of yamlTaskBlocks(block.text)) {
      push({
        construct: `${yaml.name}: block`,
        kind: "yaml",
        line: block.startLine + yaml.startLine - 1,
        endLine: block.startLine + yaml.endLine - 1,
        text: yaml.lines[0]!.trim(),
        hint: CLAUDE_TOOLS.Task!,
      });
    }
  }
  block.text.split("\n").forEach((line, i) => {
    // $1… in code is left alone: regex replacements and shell functions use it too.
    for (const rule of [SUBSTITUTIONS[0]!, SUBSTITUTIONS[2]!]) {
      if (rule.pattern.test(line))
        push({
          construct: rule.construct,
          kind: "substitution",
          line: block.startLine + i,
          endLine: block.startLine + i,
          text: line.trim().slice(0, 160),
          hint: rule.hint,
        });
    }
  });
  return hits;
}

function scanProseLine(line: string, file: string, lineNo: number): ConstructHit[] {
  const hits: ConstructHit[] = [];
  const text = proseText(line);
  const push = (construct: string, kind: ConstructHit["kind"], hint: string) =>
    hits.push({
      construct,
      kind,
      file,
      line: lineNo,
      endLine: lineNo,
      text: line.trim().slice(0, 160),
      hint,
    });
  for (const rule of SUBSTITUTIONS) {
    const target = rule.construct.startsWith("!") ? line : text;
    if (rule.pattern.test(target)) push(rule.construct, "substitution", rule.hint);
  }
  if (PROSE_SPAWN.test(line))
    push("sub-agent named in prose (subagent_type)", "prose-spawn", "agent_type of a Codex custom agent");
  if (HANDOFF.test(text)) push("/command hand-off", "substitution", "invoke the converted skill as $<name>");
  return hits;
}

/**
 * A prose line with its inline code spans blanked, except spans that are only a substitution
 * (`` `$ARGUMENTS` ``, `` `$1` ``): those Claude replaces, the others are mentions.
 */
export function proseText(line: string): string {
  let out = line;
  for (const [start, end] of inlineCodeSpans(line).reverse()) {
    const span = line.slice(start, end);
    if (/^`\$(ARGUMENTS|[1-9])`$/.test(span) || line[start - 1] === "!") continue;
    out = out.slice(0, start) + " ".repeat(end - start) + out.slice(end);
  }
  return out;
}

/** True when the block is shown as what not to do (a heading, the line above or its first comment says so). */
export function isCounterExample(doc: MarkdownDoc, block: CodeBlock): boolean {
  const firstLine = block.text.split("\n").find((l) => l.trim() !== "") ?? "";
  if (/^\s*(\/\/|#|--)/.test(firstLine) && COUNTER_EXAMPLE.test(firstLine)) return true;
  for (let i = block.startLine - 3; i >= 0 && i >= block.startLine - 5; i--) {
    const kind = doc.kinds[i];
    if (kind === "blank") continue;
    if (kind === "code" || kind === "fence") return false;
    return COUNTER_EXAMPLE.test(doc.lines[i]!) && !/\b(GOOD|CORRECT|RIGHT)\b|✅/.test(doc.lines[i]!);
  }
  return false;
}

export interface YamlTaskBlock {
  name: string;
  /** 1-based lines within the code block, inclusive. */
  startLine: number;
  endLine: number;
  lines: string[];
  indent: string;
}

/** `Task:` / `Agent:` (or `Task tool:`) lines followed by more-indented keys that include subagent_type or prompt. */
export function yamlTaskBlocks(code: string): YamlTaskBlock[] {
  const lines = code.split("\n");
  const blocks: YamlTaskBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const head = lines[i]!.match(/^(\s*)(?:-\s+)?(Task|Agent)(?: tool)?:\s*$/);
    if (!head) continue;
    const indent = head[1] ?? "";
    let end = i;
    for (let j = i + 1; j < lines.length; j++) {
      const line = lines[j]!;
      if (line.trim() === "") continue;
      if ((line.match(/^\s*/)?.[0].length ?? 0) <= indent.length) break;
      end = j;
    }
    const body = lines.slice(i + 1, end + 1);
    if (!body.some((l) => /^\s*(subagent_type|prompt)\s*:/.test(l))) continue;
    blocks.push({
      name: head[2]!,
      startLine: i + 1,
      endLine: end + 1,
      lines: lines.slice(i, end + 1),
      indent,
    });
    i = end;
  }
  return blocks;
}

/**
 * A real call, not a definition, a method or a label: in an unlabeled block, `Task (a, b)` whose
 * arguments are neither `{…}`, `key=value` nor `(type, prompt)` is a diagram label.
 */
export function isCall(call: Call, code: string, lang: string): boolean {
  if (call.member || /\bfunction\s+$/.test(code.slice(Math.max(0, call.start - 12), call.start)))
    return false;
  return !(lang === "" && call.form === "other");
}
