import { isCounterExample, NOT_CODE, QUOTED_DOC, SHELL } from "../parse/claude-constructs.ts";
import { lineOf } from "../parse/code-calls.ts";
import { type CodeBlock, type MarkdownDoc, parseMarkdown } from "../parse/markdown.ts";
import { preserved } from "../validate/conversion-manifest.ts";
import { closeTrackedAgents } from "./close.ts";
import { convertCodeBlock } from "./code.ts";
import { convertCodeText, convertProseLine, noteMentions } from "./prose.ts";
import { applyEdits, type ConversionState, type Edit } from "./state.ts";
import { convertYamlTasks } from "./yaml-task.ts";

const quoted = (doc: MarkdownDoc, block: CodeBlock) =>
  QUOTED_DOC.test(block.lang) || isCounterExample(doc, block);

/**
 * Converts one Markdown file of a Claude skill on its structure: calls in code blocks, prose lines
 * (never table rows, quotes or inline code), counter-examples kept as they are. `text` is the
 * body; `lineOffset` is the number of file lines before it (frontmatter), so reports and the
 * change record carry the source file's line numbers.
 */
export function convertMarkdown(
  file: string,
  text: string,
  lineOffset: number,
  state: ConversionState,
  options: { calls: boolean } = { calls: true },
): string {
  state.agents.clear();
  state.collectedElsewhere = false;
  state.aliases.clear();
  state.usedNames.clear();
  const doc = parseMarkdown(text);
  const blockEdits: Edit[][] = doc.codeBlocks.map((block, index) => {
    if (!options.calls || SHELL.test(block.lang) || quoted(doc, block)) return [];
    const input = {
      file,
      index,
      code: block.text,
      startLine: block.startLine + lineOffset,
      lang: block.lang,
    };
    const yaml = convertYamlTasks(input, state);
    return NOT_CODE.test(block.lang) ? yaml : convertCodeBlock(input, state, yaml);
  });
  closeTrackedAgents(state);
  const lines = [...doc.lines];
  doc.kinds.forEach((kind, index) => {
    const where = { file, line: index + 1 + lineOffset };
    if (kind === "prose" || kind === "heading") lines[index] = convertProseLine(lines[index]!, where, state);
    else if (kind === "table" || kind === "quote") noteMentions(lines[index]!, state);
  });
  // Replace code blocks from the last one up, so earlier line numbers stay valid.
  for (let i = doc.codeBlocks.length - 1; i >= 0; i--) {
    const block = doc.codeBlocks[i]!;
    const edits = blockEdits[i]!;
    if (quoted(doc, block)) {
      if (block.text.trim() !== "")
        state.preserved.push(preserved("code-block", file, block.startLine + lineOffset, block.text));
      continue;
    }
    recordChanges(file, block, edits, lineOffset, state);
    const converted = convertCodeText(applyEdits(block.text, edits), block.lang, state);
    if (converted === block.text && block.text.trim() !== "") {
      state.preserved.push(preserved("code-block", file, block.startLine + lineOffset, block.text));
    }
    block.text.split("\n").forEach((line, i) => {
      if (!/\$ARGUMENTS|\$\{CLAUDE_PLUGIN_ROOT\}/.test(line)) return;
      const at = block.startLine + lineOffset + i;
      state.changes.push({
        file,
        line: at,
        endLine: at,
        what: "substitution in code: $ARGUMENTS, CLAUDE_PLUGIN_ROOT",
      });
    });
    if (retagFence(lines, doc, block, edits)) {
      const fence = block.startLine - 1 + lineOffset;
      state.changes.push({ file, line: fence, endLine: fence, what: "fence labelled javascript" });
    }
    const count = block.text === "" ? 0 : block.text.split("\n").length;
    lines.splice(block.startLine - 1, count, ...(converted === "" ? [] : converted.split("\n")));
  }
  return lines.join("\n");
}

/** Every source line an edit replaced, as a change of the record. */
function recordChanges(
  file: string,
  block: CodeBlock,
  edits: readonly Edit[],
  lineOffset: number,
  state: ConversionState,
): void {
  for (const edit of edits) {
    const first = block.startLine + lineOffset + lineOf(block.text, edit.start) - 1;
    const last = block.startLine + lineOffset + lineOf(block.text, Math.max(edit.start, edit.end - 1)) - 1;
    state.changes.push({ file, line: first, endLine: last, what: edit.what ?? "Claude call → Codex tools" });
  }
}

/** A YAML fence whose whole content became JavaScript is labelled javascript, so readers parse it. */
function retagFence(lines: string[], doc: MarkdownDoc, block: CodeBlock, edits: readonly Edit[]): boolean {
  if (!/^(yaml|yml)$/.test(block.lang) || edits.length === 0) return false;
  const covered = new Set<number>();
  for (const edit of edits)
    for (let l = lineOf(block.text, edit.start); l <= lineOf(block.text, edit.end); l++) covered.add(l);
  const all = block.text.split("\n").every((line, i) => line.trim() === "" || covered.has(i + 1));
  const fence = block.startLine - 2;
  if (!all || doc.kinds[fence] !== "fence") return false;
  lines[fence] = lines[fence]!.replace(/(`{3,}|~{3,})\s*(yaml|yml)/i, "$1javascript");
  return true;
}
