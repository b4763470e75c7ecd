import { scanClaudeConstructs } from "../parse/claude-constructs.ts";
import type { ConversionState } from "./state.ts";

/**
 * The safety net behind every conversion: each construct the recogniser finds in a source file
 * must lie on a line the converter rewrote or be reported. Whatever is neither is reported here,
 * so a form the converter does not know yet can never pass silently.
 */
export function reportMissed(file: string, body: string, lineOffset: number, state: ConversionState): void {
  for (const hit of scanClaudeConstructs(body, file)) {
    const line = hit.line + lineOffset;
    const covered =
      state.changes.some((c) => c.file === file && c.line <= line && line <= c.endLine) ||
      state.unconverted.some((u) => u.file === file && u.line >= line && u.line <= hit.endLine + lineOffset);
    if (covered) continue;
    state.unconverted.push({
      file,
      line,
      construct: hit.construct,
      text: hit.text,
      hint: `${hit.hint} (not converted: this form is not one the converter rewrites with certainty)`,
    });
  }
}
