/** A small Markdown reader: enough structure (headings, fences, tables) for the skill checks. */

export interface Heading {
  level: number;
  text: string;
  /** 1-based line in the parsed text. */
  line: number;
}

export interface CodeBlock {
  lang: string;
  /** The whole info string after the fence (`js title="x"`). */
  info: string;
  text: string;
  /** 1-based line of the first content line (the one after the opening fence). */
  startLine: number;
}

/** What a line of a Markdown file is, for deciding which rewrites may touch it. */
export type LineKind = "blank" | "heading" | "prose" | "table" | "quote" | "fence" | "code" | "html";

export interface MarkdownDoc {
  lines: string[];
  headings: Heading[];
  codeBlocks: CodeBlock[];
  /** kinds[i] is the kind of line i + 1. */
  kinds: LineKind[];
}

export interface Section {
  heading: Heading;
  /** 1-based, inclusive. */
  startLine: number;
  endLine: number;
  text: string;
  codeBlocks: CodeBlock[];
}

// Fences are accepted at any indentation: skills written by people and models nest them in lists.
const FENCE = /^(\s*)(`{3,}|~{3,})\s*([^`]*)$/;

/**
 * Parses Markdown into headings, fenced code blocks (with their info string) and a kind per line
 * (prose, table row, block quote, heading, fence, code, HTML comment).
 */
export function parseMarkdown(text: string): MarkdownDoc {
  const lines = text.split(/\r?\n/);
  const headings: Heading[] = [];
  const codeBlocks: CodeBlock[] = [];
  const kinds: LineKind[] = [];
  let open:
    | { fence: string; lang: string; info: string; indent: string; start: number; body: string[] }
    | undefined;
  let inComment = false;
  lines.forEach((line, index) => {
    const lineNo = index + 1;
    if (open) {
      const close = line.match(/^\s*(`{3,}|~{3,})\s*$/);
      if (close?.[1] && close[1][0] === open.fence[0] && close[1].length >= open.fence.length) {
        codeBlocks.push(closeBlock(open));
        open = undefined;
        kinds.push("fence");
      } else {
        open.body.push(line);
        kinds.push("code");
      }
      return;
    }
    if (inComment || /^\s*<!--/.test(line)) {
      inComment = !line.includes("-->");
      kinds.push("html");
      return;
    }
    const fence = line.match(FENCE);
    if (fence?.[2]) {
      const info = (fence[3] ?? "").trim();
      const lang = (info.match(/^[\w+#.-]*/)?.[0] ?? "").toLowerCase();
      open = { fence: fence[2], lang, info, indent: fence[1] ?? "", start: lineNo + 1, body: [] };
      kinds.push("fence");
      return;
    }
    const heading = line.match(/^(#{1,6})\s+(.*?)\s*#*\s*$/);
    if (heading?.[1]) {
      headings.push({ level: heading[1].length, text: heading[2] ?? "", line: lineNo });
      kinds.push("heading");
    } else if (line.trim() === "") kinds.push("blank");
    else if (/^\s*\|/.test(line) || /^\s*:?-{3,}:?\s*\|/.test(line)) kinds.push("table");
    else if (/^\s*>/.test(line)) kinds.push("quote");
    else kinds.push("prose");
  });
  if (open) codeBlocks.push(closeBlock(open));
  return { lines, headings, codeBlocks, kinds };
}

interface OpenBlock {
  fence: string;
  lang: string;
  info: string;
  indent: string;
  start: number;
  body: string[];
}

const closeBlock = (open: OpenBlock): CodeBlock => ({
  lang: open.lang,
  info: open.info,
  text: open.body.join("\n"),
  startLine: open.start,
});

/** Spans of inline code (`…`) in a prose line, as [start, end) offsets including the backticks. */
export function inlineCodeSpans(line: string): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  const pattern = /(`+)[^`]*?\1/g;
  for (const match of line.matchAll(pattern)) spans.push([match.index, match.index + match[0].length]);
  return spans;
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

/** Line numbers (1-based) outside fenced code blocks (prose, headings, tables, quotes, blanks). */
export function proseLineNumbers(doc: MarkdownDoc): Set<number> {
  const prose = new Set<number>();
  doc.kinds.forEach((kind, i) => {
    if (kind !== "code" && kind !== "fence") prose.add(i + 1);
  });
  return prose;
}
