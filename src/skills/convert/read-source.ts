import { type Frontmatter, splitFrontmatterLenient } from "../parse/frontmatter.ts";
import type { ConversionState } from "./state.ts";

/** A source file's frontmatter read as Claude Code reads it; a lenient read is noted with its line. */
export function sourceFrontmatter(text: string, file: string, state: ConversionState): Frontmatter {
  const fm = splitFrontmatterLenient(text, file);
  if (fm.lenientAt !== undefined) {
    state.notes.push(
      `${file}:${fm.lenientAt}: frontmatter is not strict YAML (unquoted ': '); read line by line as Claude Code does`,
    );
  }
  return fm;
}
