import { type MarkdownDoc, parseMarkdown, proseLineNumbers } from "./markdown.ts";

/** A Claude Code construct that means nothing to Codex, found in a file. */
export interface ConstructHit {
  construct: string;
  file: string;
  line: number;
  text: string;
  hint: string;
}

interface ConstructRule {
  construct: string;
  pattern: RegExp;
  /** Where the pattern counts: prose, code blocks, or both. */
  where: "prose" | "code" | "any";
  hint: string;
}

const RULES: ConstructRule[] = [
  {
    construct: "Task()/Agent() call",
    pattern: /\b(?:Task|Agent)\s*\(\s*\{/,
    where: "any",
    hint: "spawn_agent + wait_agent + close_agent",
  },
  {
    construct: "TaskOutput()",
    pattern: /\bTaskOutput\s*\(/,
    where: "any",
    hint: "wait_agent({ targets: [id], timeout_ms })",
  },
  {
    construct: "SendMessage()",
    pattern: /\bSendMessage\s*\(/,
    where: "any",
    hint: "send_input({ target: id, message }) then wait_agent",
  },
  {
    construct: "resume:",
    pattern: /\bresume\s*:/,
    where: "code",
    hint: "send_input({ target: id, message }) on the still-open agent",
  },
  {
    construct: "subagent_type",
    pattern: /\bsubagent_type\b/,
    where: "any",
    hint: "agent_type of a Codex custom agent",
  },
  {
    construct: "run_in_background",
    pattern: /\brun_in_background\b/,
    where: "any",
    hint: "spawn now, wait_agent later",
  },
  {
    construct: "TodoWrite",
    pattern: /\bTodoWrite\b/,
    where: "any",
    hint: "update_plan({ plan: [{ step, status }] })",
  },
  {
    construct: "AskUserQuestion",
    pattern: /\bAskUserQuestion\b/,
    where: "any",
    hint: "ask the user directly (request_user_input in Plan mode)",
  },
  {
    construct: "$ARGUMENTS",
    pattern: /\$ARGUMENTS\b/,
    where: "any",
    hint: "the user's request after $<skill-name>",
  },
  {
    construct: `\${CLAUDE_PLUGIN_ROOT}`,
    pattern: /\$\{CLAUDE_PLUGIN_ROOT\}/,
    where: "any",
    hint: "a path relative to the skill directory",
  },
  {
    construct: "!`command` injection",
    pattern: /(?:^|\s)!`[^`]+`/,
    where: "prose",
    hint: "tell the agent to run the command first",
  },
  {
    construct: "@agent- mention",
    pattern: /(?:^|[\s(])@agent-[\w-]+/,
    where: "prose",
    hint: "spawn_agent with that agent_type",
  },
  {
    construct: "Task tool prose",
    pattern: /\bTask (?:tool|agents?)\b/,
    where: "prose",
    hint: "the spawn_agent tool / sub-agents",
  },
  {
    construct: "/command hand-off",
    pattern: /(?:^|\s)`?\/[a-z][\w-]*:[\w:-]+`?/,
    where: "prose",
    hint: "invoke the converted skill as $<name>",
  },
  {
    construct: "positional $N argument",
    pattern: /(?:^|[^\w$\\])\$[1-9](?!\d)/,
    where: "prose",
    hint: "the Nth word of the user's request",
  },
  { construct: "CLAUDE.md", pattern: /\bCLAUDE\.md\b/, where: "any", hint: "AGENTS.md" },
];

/**
 * Finds Claude-only constructs in a Markdown file (line numbers are the file's).
 * @example scanClaudeConstructs("Use TodoWrite", "SKILL.md")[0].construct // "TodoWrite"
 */
export function scanClaudeConstructs(
  text: string,
  file: string,
  doc: MarkdownDoc = parseMarkdown(text),
): ConstructHit[] {
  const prose = proseLineNumbers(doc);
  const hits: ConstructHit[] = [];
  doc.lines.forEach((line, index) => {
    const lineNo = index + 1;
    const inProse = prose.has(lineNo);
    for (const rule of RULES) {
      if (rule.where === "prose" && !inProse) continue;
      if (rule.where === "code" && inProse) continue;
      if (rule.pattern.test(line)) {
        hits.push({
          construct: rule.construct,
          file,
          line: lineNo,
          text: line.trim().slice(0, 160),
          hint: rule.hint,
        });
      }
    }
  });
  return hits;
}

/** The same scan for a file that is not Markdown (a role's TOML): every line counts as prose and code. */
export function scanPlainText(text: string, file: string): ConstructHit[] {
  const hits: ConstructHit[] = [];
  text.split("\n").forEach((line, index) => {
    for (const rule of RULES) {
      if (rule.where !== "any") continue;
      if (rule.pattern.test(line)) {
        hits.push({
          construct: rule.construct,
          file,
          line: index + 1,
          text: line.trim().slice(0, 160),
          hint: rule.hint,
        });
      }
    }
  });
  return hits;
}
