import { parse as parseToml } from "smol-toml";
import { BatonError } from "../errors.ts";

/**
 * Edits one table of a TOML file as text (e.g. `[mcp_servers.baton]` in codex's config.toml) and keeps
 * every other byte as it was: comments, order, spacing and the user's other tables.
 */

interface Region {
  start: number;
  end: number;
}

const HEADER = /^[ \t]*\[\[?[ \t]*([^\]\r\n]+?)[ \t]*\]\]?[ \t]*(#.*)?\r?$/;

/** `a."b.c".d` → ["a", "b.c", "d"] (bare, basic and literal keys). */
export function splitDottedKey(key: string): string[] {
  const parts: string[] = [];
  let current = "";
  let quote: string | undefined;
  for (let i = 0; i < key.length; i++) {
    const ch = key[i]!;
    if (quote) {
      if (ch === "\\" && quote === '"') {
        current += key[++i] ?? "";
      } else if (ch === quote) quote = undefined;
      else current += ch;
    } else if (ch === '"' || ch === "'") quote = ch;
    else if (ch === ".") {
      parts.push(current.trim());
      current = "";
    } else current += ch;
  }
  parts.push(current.trim());
  return parts;
}

/** Start offsets and key paths of every table header, skipping multi-line strings. */
function headers(text: string): { offset: number; path: string[] }[] {
  const found: { offset: number; path: string[] }[] = [];
  let offset = 0;
  let inString: string | undefined;
  for (const line of text.split("\n")) {
    if (inString) {
      if (countOf(line, inString) % 2 === 1) inString = undefined;
    } else {
      const match = HEADER.exec(line);
      if (match) found.push({ offset, path: splitDottedKey(match[1]!) });
      else
        for (const delim of ['"""', "'''"])
          if (countOf(line, delim) % 2 === 1) {
            inString = delim;
            break;
          }
    }
    offset += line.length + 1;
  }
  return found;
}

function countOf(line: string, delim: string): number {
  return line.split(delim).length - 1;
}

const startsWith = (path: string[], prefix: string[]) => prefix.every((part, i) => path[i] === part);

/** The text regions of the table at `path` and of its sub-tables (`[path.x]`), in file order. */
export function tableRegions(text: string, path: string[]): Region[] {
  const all = headers(text);
  const regions: Region[] = [];
  all.forEach((header, i) => {
    if (!startsWith(header.path, path)) return;
    const end = i + 1 < all.length ? all[i + 1]!.offset : text.length;
    const last = regions.at(-1);
    if (last && last.end === header.offset) last.end = end;
    else regions.push({ start: header.offset, end });
  });
  return regions;
}

function valueAt(parsed: unknown, path: string[]): unknown {
  let value = parsed;
  for (const part of path) {
    if (typeof value !== "object" || value === null) return undefined;
    value = (value as Record<string, unknown>)[part];
  }
  return value;
}

function parseOrThrow(text: string, file: string): unknown {
  try {
    return parseToml(text);
  } catch (error) {
    throw new BatonError(
      "E_CONFIG",
      `${file} is not valid TOML (${(error as Error).message.split("\n")[0]}); fix it first, baton edits only valid files`,
      { file, cause: error },
    );
  }
}

/** The text with the table at `path` (and its sub-tables) removed; every other byte kept. */
export function removeTable(text: string, path: string[]): string {
  let result = text;
  for (const region of tableRegions(text, path).reverse())
    result = result.slice(0, region.start) + result.slice(region.end);
  return result;
}

/**
 * The text with the table at `path` replaced by `table` (a complete `[path]` block ending in a newline),
 * in the place of the old one, or appended after a blank line. Refuses when the same keys are defined
 * another way (dotted keys, an inline table) that a text edit cannot reach safely.
 */
export function setTable(text: string, path: string[], table: string, file: string): string {
  parseOrThrow(text, file);
  const regions = tableRegions(text, path);
  const without = removeTable(text, path);
  if (valueAt(parseOrThrow(without, file), path) !== undefined) {
    throw new BatonError(
      "E_CONFIG",
      `${file} defines ${path.join(".")} outside a [${path.join(".")}] table (dotted keys or an inline table); ` +
        "move it into its own table or remove it, then run setup again",
      { file },
    );
  }
  let result: string;
  if (regions.length > 0) {
    // In the old table's place, keeping the blank lines that separated it from what follows.
    const first = regions[0]!;
    const gap = /\n*$/.exec(text.slice(first.start, first.end))![0].slice(1);
    result = without.slice(0, first.start) + table + gap + without.slice(first.start);
  } else {
    const separator = text === "" ? "" : text.endsWith("\n\n") ? "" : text.endsWith("\n") ? "\n" : "\n\n";
    result = text + separator + table;
  }
  parseOrThrow(result, file);
  return result;
}
