import { isMap, isScalar, LineCounter, parseDocument, stringify } from "yaml";
import { BatonError } from "../../errors.ts";

export interface Frontmatter {
  /** The parsed mapping ({} when there is no frontmatter). */
  data: Record<string, unknown>;
  /** 1-based line of each top-level key in the file. */
  keyLines: Map<string, number>;
  /** The text after the closing `---`. */
  body: string;
  /** 1-based line in the file where `body` starts. */
  bodyStartLine: number;
  present: boolean;
}

/**
 * Splits `---` YAML frontmatter from a Markdown file and parses it; errors name file and line.
 * @example splitFrontmatter("---\nname: x\n---\n# X", "SKILL.md").data.name // "x"
 */
export function splitFrontmatter(text: string, file: string): Frontmatter {
  const match = text.match(/^---[ \t]*\r?\n([\s\S]*?)\r?\n?---[ \t]*(?:\r?\n|$)/);
  if (!match) return { data: {}, keyLines: new Map(), body: text, bodyStartLine: 1, present: false };
  const yamlText = match[1] ?? "";
  const data = parseYamlMapping(yamlText, file, 1);
  const consumed = match[0];
  return {
    data: data.value,
    keyLines: data.keyLines,
    body: text.slice(consumed.length),
    bodyStartLine: consumed.split("\n").length,
    present: true,
  };
}

/**
 * Parses YAML that must be a mapping; `lineOffset` is the file line before the YAML's first line.
 * Throws E_CONFIG naming file and line.
 */
export function parseYamlMapping(
  yamlText: string,
  file: string,
  lineOffset = 0,
): { value: Record<string, unknown>; keyLines: Map<string, number> } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(yamlText, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const first = doc.errors[0];
  if (first) {
    const line = lineCounter.linePos(first.pos[0]).line + lineOffset;
    throw new BatonError(
      "E_CONFIG",
      `${file}:${line}: YAML does not parse: ${first.message.split("\n")[0]}. ` +
        "Quote values that contain ': ' or start with a special character.",
      { file, line },
    );
  }
  const keyLines = new Map<string, number>();
  if (doc.contents === null) return { value: {}, keyLines };
  if (!isMap(doc.contents)) {
    throw new BatonError(
      "E_CONFIG",
      `${file}:${1 + lineOffset}: expected a YAML mapping (key: value lines)`,
      {
        file,
        line: 1 + lineOffset,
      },
    );
  }
  for (const pair of doc.contents.items) {
    if (isScalar(pair.key) && pair.key.range) {
      keyLines.set(String(pair.key.value), lineCounter.linePos(pair.key.range[0]).line + lineOffset);
    }
  }
  return { value: doc.toJS() as Record<string, unknown>, keyLines };
}

/** Renders frontmatter + body; keys keep the given order. */
export function joinFrontmatter(data: Record<string, unknown>, body: string): string {
  const yamlText = stringify(data, { lineWidth: 0 }).trimEnd();
  return `---\n${yamlText}\n---\n\n${body.replace(/^\n+/, "")}`;
}

/**
 * Frontmatter as Claude Code reads it: when strict YAML fails on the unquoted colons real skills
 * and agents are full of (`description: Use when: …`), each `key: value` line is taken as written.
 * Returns the YAML error's line in `lenientAt` so the caller can say so; anything that is not
 * `key: value` lines (with indented continuations) still fails as before.
 */
export function splitFrontmatterLenient(text: string, file: string): Frontmatter & { lenientAt?: number } {
  try {
    return splitFrontmatter(text, file);
  } catch (error) {
    const match = text.match(/^---[ \t]*\r?\n([\s\S]*?)\r?\n?---[ \t]*(?:\r?\n|$)/);
    if (!match || !(error instanceof BatonError)) throw error;
    const data: Record<string, unknown> = {};
    const keyLines = new Map<string, number>();
    let last: string | undefined;
    for (const [i, line] of (match[1] ?? "").split(/\r?\n/).entries()) {
      const pair = line.match(/^([A-Za-z][\w-]*):[ \t]*(.*)$/);
      if (pair) {
        last = pair[1]!;
        data[last] = unquote(pair[2]!.trim());
        keyLines.set(last, i + 2);
      } else if (last && (/^\s/.test(line) || line.trim() === "")) {
        const item = line.trim().replace(/^-\s+/, "");
        const previous = data[last];
        if (item === "") continue;
        data[last] = /^\s*-\s/.test(line)
          ? [...(Array.isArray(previous) ? previous : previous ? [previous] : []), unquote(item)]
          : `${String(previous ?? "")} ${item}`.trim();
      } else throw error;
    }
    const consumed = match[0];
    return {
      data,
      keyLines,
      body: text.slice(consumed.length),
      bodyStartLine: consumed.split("\n").length,
      present: true,
      lenientAt: error.details?.line ?? 1,
    };
  }
}

function unquote(value: string): string {
  return /^(["']).*\1$/.test(value) ? value.slice(1, -1) : value;
}
