import { parse, stringify } from "smol-toml";

/**
 * A TOML multi-line basic string, readable in an editor (smol-toml writes one long escaped line).
 * @example tomlMultiline('a\n"b"') // '"""\na\n"b"\\\n"""'
 */
export function tomlMultiline(text: string): string {
  const escaped = text
    .replace(/\\/g, "\\\\")
    .replace(/"""/g, '""\\"')
    .replace(/[^\n\t\P{Cc}]/gu, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  // The trailing line-ending backslash keeps the value free of a final newline.
  return `"""\n${escaped}\\\n"""`;
}

/** Renders a flat table whose `multiline` keys are written as multi-line strings. */
export function renderTomlTable(table: Record<string, string>, multiline: readonly string[]): string {
  const lines: string[] = [];
  for (const [key, value] of Object.entries(table)) {
    if (multiline.includes(key)) lines.push(`${key} = ${tomlMultiline(value)}`);
    else lines.push(stringify({ [key]: value }).trim());
  }
  const text = `${lines.join("\n")}\n`;
  // Fail loudly here rather than ship a role file Codex cannot read.
  const back = parse(text) as Record<string, unknown>;
  for (const [key, value] of Object.entries(table)) {
    if (back[key] !== value) throw new Error(`TOML round-trip changed "${key}"`);
  }
  return text;
}
