import type { Frontmatter } from "../parse/frontmatter.ts";
import { nameProblem, slugify } from "../parse/names.ts";
import { OUTPUT_FORMAT, outputSectionsIn } from "../render/structured-output.ts";
import { numbered } from "../render/text.ts";
import { renderTomlTable } from "../render/toml-text.ts";
import { preserved } from "../validate/conversion-manifest.ts";
import { convertMarkdown } from "./doc.ts";
import type { ConversionState } from "./state.ts";

const WRITE_TOOLS = /\b(Write|Edit|MultiEdit|NotebookEdit|Bash)\b/;
const PROACTIVE = /\s*\b(use (this agent )?proactively|must be used)[^.]*\.?/gi;

/**
 * A Claude subagent (.claude/agents/NAME.md) → a Codex custom agent TOML. The body becomes
 * developer_instructions verbatim; an Execution Process and the Output Format are appended only
 * when the body has none.
 */
export function convertAgentMarkdown(
  fm: Frontmatter,
  file: string,
  fallbackName: string,
  state: ConversionState,
): { name: string; toml: string } {
  const where = (key: string) => `${file}:${fm.keyLines.get(key) ?? 1}`;
  const rawName = typeof fm.data.name === "string" ? fm.data.name : fallbackName;
  const name = nameProblem(rawName) ? slugify(rawName, "agent") : rawName;
  if (name !== rawName)
    state.notes.push(
      `${where("name")}: agent name "${rawName}" → "${name}" (Codex role names use a-z, 0-9, -)`,
    );
  const rawDescription =
    typeof fm.data.description === "string" ? fm.data.description : `Converted Claude agent ${name}`;
  const description = rawDescription.replace(PROACTIVE, "").trim() || `Converted Claude agent ${name}`;
  if (description !== rawDescription.trim()) {
    state.notes.push(
      `${where("description")}: "use proactively" wording dropped — Codex spawns agents only when asked`,
    );
  }
  const body = fm.body.trim();
  // Prose substitutions only; code in the role body is kept (its calls are reported, not rewritten).
  const converted = convertMarkdown(file, fm.body, fm.bodyStartLine - 1, state, { calls: false }).trim();
  if (converted === body) state.preserved.push(preserved("body", file, fm.bodyStartLine, body));
  const parts = [converted];
  if ((converted.match(/^\s*(\d+[.)]|Step \d)/gm) ?? []).length < 2) {
    parts.push(
      `## Execution Process\n${numbered([
        "Read the whole task message and the files it names.",
        "Do the work the instructions above describe, inside the task's scope.",
        "Check the result against the task's deliverables.",
        "Reply in the Output Format below.",
      ])}`,
    );
  }
  if (outputSectionsIn(converted) < 3) parts.push(`## Output Format\n\`\`\`text\n${OUTPUT_FORMAT}\n\`\`\``);
  const table: Record<string, string> = { name, description, developer_instructions: parts.join("\n\n") };
  const tools = fm.data.tools;
  if (tools !== undefined && !WRITE_TOOLS.test(Array.isArray(tools) ? tools.join(" ") : String(tools))) {
    table.sandbox_mode = "read-only";
    state.notes.push(`${where("tools")}: tools without write access → sandbox_mode = "read-only"`);
  }
  for (const key of Object.keys(fm.data)) {
    if (["name", "description", "tools"].includes(key)) continue;
    state.notes.push(`${where(key)}: "${key}" has no Codex custom-agent equivalent and was dropped`);
  }
  return {
    name,
    toml: `# Codex custom agent converted by baton from ${file}\n${renderTomlTable(table, ["developer_instructions"])}`,
  };
}
