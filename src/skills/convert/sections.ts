import { findSections, parseMarkdown } from "../parse/markdown.ts";
import { BUILTIN_ROLES } from "../parse/names.ts";
import { errorHandlingSection, LIFECYCLE_RULES } from "../render/lifecycle.ts";
import { cell } from "../render/text.ts";
import { TERMS } from "./prose.ts";
import type { ConversionState } from "./state.ts";

export interface RoleRow {
  name: string;
  file: string;
  responsibility: string;
  status: "new" | "built-in";
}

/**
 * Adds what a Codex orchestrator needs and a Claude skill lacks: explicit permission to spawn, the
 * user's request, an architecture diagram, the agent registry, lifecycle rules and error handling.
 * Sections the source already has are left alone.
 */
export function addCodexSections(
  body: string,
  name: string,
  roles: RoleRow[],
  state: ConversionState,
): string {
  const md = parseMarkdown(body);
  const has = (pattern: RegExp) => findSections(md, pattern).length > 0;
  const intro: string[] = [];
  if (roles.length > 0) {
    intro.push(
      "This skill **explicitly asks for sub-agents**: spawn the agents named below with `spawn_agent`, wait for them with `wait_agent`, and close every one with `close_agent`.",
    );
  }
  if (state.usesUserRequest) {
    intro.push(
      `\`USER_REQUEST\` is the user's message after \`$${name}\`:\n\n\`\`\`javascript\nconst USER_REQUEST = userMessage.replace(/^\\$${name}\\s*/, "")\n\`\`\``,
    );
  }
  if (state.usesSkillDir) {
    intro.push(
      "`$SKILL_DIR` is the directory this SKILL.md was loaded from (Codex shows its path with the skill); files the skill names are there.",
    );
  }
  const helpers = ["`fail(what, reason)` = close every open agent, report what failed and why, stop"];
  if (state.usesChecklist)
    helpers.push(
      "`checklist(items)` = show the items as a Markdown checklist (`- [ ]` / `- [x]`) in your reply and keep it current",
    );
  if (state.usesAsk)
    helpers.push(
      "`askUser(questions)` = put the questions, with their options, in your reply; stop and go on with the answer",
    );
  intro.push(`Pseudo-code helpers: ${helpers.join("; ")}.`);
  const h1 = md.headings.find((h) => h.level === 1);
  const lines = body.split("\n");
  const insertAt = h1 ? h1.line : 0;
  lines.splice(insertAt, 0, "", ...intro.flatMap((p) => [p, ""]));
  const appended: string[] = [];
  if (!has(/architecture/i)) appended.push(architecture(name, roles));
  if (!has(/agent registry/i)) appended.push(registry(roles));
  if (!has(/lifecycle/i)) appended.push(lifecycle(state));
  if (!has(/error handling/i)) appended.push(errorHandlingSection());
  if (state.mentions.size > 0) appended.push(terms(state.mentions));
  return `${lines.join("\n").trimEnd()}\n\n${appended.join("\n\n")}\n`;
}

function architecture(name: string, roles: RoleRow[]): string {
  const rows = roles.map((r) => `  ├─ spawn_agent(${r.name}) → wait_agent(timeout_ms) → close_agent`);
  if (rows.length === 0)
    rows.push(
      "  ├─ (the source names no sub-agent role; any it asks for: spawn_agent → wait_agent → close_agent)",
    );
  return `## Architecture\n\`\`\`text\n$${name} <request>\n  │\n  ▼\nOrchestrator (this SKILL.md)\n${rows.join("\n")}\n  ▼\nMerged result (every agent closed)\n\`\`\``;
}

function registry(roles: RoleRow[]): string {
  const rows = roles.map((r) => `| ${r.name} | ${r.file} | ${cell(r.responsibility)} | ${r.status} |`);
  return `## Agent Registry\n| Agent | Role file | Responsibility | Status |\n|---|---|---|---|\n${rows.join("\n")}\n\nRoles are Codex custom agents: \`baton skill deploy\` installs \`agents/*.toml\`; spawn them with \`agent_type\`. Built-in types (${BUILTIN_ROLES.join(", ")}) need no file.`;
}

function lifecycle(state: ConversionState): string {
  const rows = state.waits.map((w) => `| ${w.where} | ${cell(w.role)} | ${w.timeoutMs} |`);
  return `## Lifecycle Management
| Converted call (source line) | Agents | wait_agent timeout_ms |
|---|---|---|
${rows.join("\n") || "| (no waits) | | |"}

${LIFECYCLE_RULES}`;
}

/** The Claude tool names the text still mentions, and what each means in Codex. */
function terms(mentions: Set<string>): string {
  const rows = [...mentions].sort().map((term) => `| ${term} | ${TERMS[term] ?? ""} |`);
  return `## Claude Code terms in this skill\nThe text above was written for Claude Code; where it mentions these tools, use the Codex equivalent.\n\n| Claude Code | In Codex |\n|---|---|\n${rows.join("\n")}`;
}
