/** A small Markdown reader: enough structure (headings, fences, tables) for the skill checks. */

export interface Heading {
  level: number;
  text: string;
  /** 1-based line in the parsed text. */
  line: number;
}

export interface CodeBlock {
  lang: string;
  text: string;
  /** 1-based line of the first content line (the one after the opening fence). */
  startLine: number;
}

export interface MarkdownDoc {
  lines: string[];
  headings: Heading[];
  codeBlocks: CodeBlock[];
}

export interface Section {
  heading: Heading;
  /** 1-based, inclusive. */
  startLine: number;
  endLine: number;
  text: string;
  codeBlocks: CodeBlock[];
}

const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([\w+#.-]*)/;

export function parseMarkdown(text: string): MarkdownDoc {
  const lines = text.split(/\r?\n/);
  const headings: Heading[] = [];
  const codeBlocks: CodeBlock[] = [];
  let open: { fence: string; lang: string; start: number; body: string[] } | undefined;
  lines.forEach((line, index) => {
    const lineNo = index + 1;
    if (open) {
      const close = line.match(/^ {0,3}(`{3,}|~{3,})\s*$/);
      if (close?.[1] && close[1][0] === open.fence[0] && close[1].length >= open.fence.length) {
        codeBlocks.push({ lang: open.lang, text: open.body.join("\n"), startLine: open.start });
        open = undefined;
      } else {
        open.body.push(line);
      }
      return;
    }
    const fence = line.match(FENCE);
    if (fence?.[1]) {
      open = { fence: fence[1], lang: (fence[2] ?? "").toLowerCase(), start: lineNo + 1, body: [] };
      return;
    }
    const heading = line.match(/^(#{1,6})\s+(.*?)\s*#*\s*$/);
    if (heading?.[1]) headings.push({ level: heading[1].length, text: heading[2] ?? "", line: lineNo });
  });
  if (open) codeBlocks.push({ lang: open.lang, text: open.body.join("\n"), startLine: open.start });
  return { lines, headings, codeBlocks };
}

/** The sections whose heading matches `pattern`; each runs to the next heading of the same or higher level. */
export function findSections(doc: MarkdownDoc, pattern: RegExp): Section[] {
  return doc.headings.filter((h) => pattern.test(h.text)).map((h) => sectionAt(doc, h));
}

export function sectionAt(doc: MarkdownDoc, heading: Heading): Section {
  const next = doc.headings.find((h) => h.line > heading.line && h.level <= heading.level);
  const endLine = next ? next.line - 1 : doc.lines.length;
  return {
    heading,
    startLine: heading.line,
    endLine,
    text: doc.lines.slice(heading.line, endLine).join("\n"),
    codeBlocks: doc.codeBlocks.filter((b) => b.startLine > heading.line && b.startLine <= endLine),
  };
}

/** Direct subsections of `section` (headings one level deeper). */
export function subsections(doc: MarkdownDoc, section: Section): Section[] {
  return doc.headings
    .filter(
      (h) => h.line > section.startLine && h.line <= section.endLine && h.level === section.heading.level + 1,
    )
    .map((h) => sectionAt(doc, h));
}

/** Rows of the first pipe table in `text`, as trimmed cells, header row first. */
export function parseTable(text: string): string[][] {
  const rows: string[][] = [];
  for (const line of text.split("\n")) {
    const trimmed = line.trim();
    if (!trimmed.startsWith("|")) {
      if (rows.length > 0) break;
      continue;
    }
    const cells = trimmed
      .replace(/^\||\|$/g, "")
      .split("|")
      .map((c) => c.trim());
    if (cells.every((c) => /^:?-{3,}:?$/.test(c))) continue;
    rows.push(cells);
  }
  return rows;
}

/** Line numbers (1-based) of `text` that are outside fenced code blocks. */
export function proseLineNumbers(doc: MarkdownDoc): Set<number> {
  const inCode = new Set<number>();
  for (const block of doc.codeBlocks) {
    const count = block.text.split("\n").length;
    // the fences themselves count as code too
    for (let l = block.startLine - 1; l <= block.startLine + count; l++) inCode.add(l);
  }
  const prose = new Set<number>();
  for (let l = 1; l <= doc.lines.length; l++) if (!inCode.has(l)) prose.add(l);
  return prose;
}
