import { parseMarkdown, proseLineNumbers } from "../parse/markdown.ts";
import { preserved } from "../validate/conversion-manifest.ts";
import { convertCodeBlock } from "./code.ts";
import { convertCodeText, convertProseLine } from "./prose.ts";
import { applyEdits, type ConversionState, type Edit } from "./state.ts";

const SCRIPT_LANGS = /^(js|javascript|ts|typescript|jsx|tsx|)$/;

/**
 * Converts one Markdown file of a Claude skill. `text` is the body; `lineOffset` is the number of
 * file lines before it (frontmatter), so reports carry the source file's line numbers.
 */
export function convertMarkdown(
  file: string,
  text: string,
  lineOffset: number,
  state: ConversionState,
): string {
  state.agents.clear();
  state.aliases.clear();
  state.usedNames.clear();
  const doc = parseMarkdown(text);
  const blockEdits: Edit[][] = doc.codeBlocks.map((block, index) =>
    SCRIPT_LANGS.test(block.lang)
      ? convertCodeBlock({ file, index, code: block.text, startLine: block.startLine + lineOffset }, state)
      : [],
  );
  closeTrackedAgents(state);
  const lines = [...doc.lines];
  const prose = proseLineNumbers(doc);
  for (const lineNo of prose) {
    lines[lineNo - 1] = convertProseLine(lines[lineNo - 1]!, { file, line: lineNo + lineOffset }, state);
  }
  // Replace code blocks from the last one up, so earlier line numbers stay valid.
  for (let i = doc.codeBlocks.length - 1; i >= 0; i--) {
    const block = doc.codeBlocks[i]!;
    const converted = convertCodeText(applyEdits(block.text, blockEdits[i]!), block.lang, state);
    if (converted === block.text && block.text.trim() !== "") {
      state.preserved.push(preserved("code-block", file, block.startLine + lineOffset, block.text));
    }
    const count = block.text === "" ? 0 : block.text.split("\n").length;
    lines.splice(block.startLine - 1, count, ...(converted === "" ? [] : converted.split("\n")));
  }
  return lines.join("\n");
}

/** Every agent is closed right after the last statement that uses it; unwaited ones are waited first. */
function closeTrackedAgents(state: ConversionState): void {
  for (const agent of state.agents.values()) {
    const { edit } = agent.lastUse;
    const indent = edit.indent ?? "";
    const lines: string[] = [];
    if (!agent.waited) {
      const targets = agent.isArray ? agent.idVar : `[${agent.idVar}]`;
      lines.push(
        `const ${agent.idVar}Done = wait_agent({ targets: ${targets}, timeout_ms: 300000 })`,
        `if (${agent.idVar}Done.timed_out) {`,
        "  // still running: report it as unfinished before closing",
        "}",
      );
    }
    lines.push(
      agent.isArray
        ? `${agent.idVar}.forEach((id) => close_agent({ target: id }))`
        : `close_agent({ target: ${agent.idVar} })`,
    );
    edit.text += `\n${indent}${lines.join(`\n${indent}`)}`;
  }
}
