/** Small text helpers shared by the renderers. */

/** Escapes text for the inside of a JS template literal (backticks, `${`, backslashes). */
export function inTemplate(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/`/g, "\\`").replace(/\$\{/g, "\\${");
}

/** Escapes a Markdown table cell. */
export function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\s*\n\s*/g, " ");
}

export function bullets(items: readonly string[], empty = "(none)"): string {
  return items.length === 0 ? `- ${empty}` : items.map((i) => `- ${i}`).join("\n");
}

export function numbered(items: readonly string[], from = 1): string {
  return items.map((item, i) => `${i + from}. ${item}`).join("\n");
}

/** A JS identifier from a name: "security-auditor" → "securityAuditor". */
export function identifier(name: string): string {
  const camel = name.replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : ""));
  const safe = camel.replace(/^[^A-Za-z_$]+/, "");
  return safe.length > 0 ? safe : "agent";
}

export function titleCase(name: string): string {
  return name
    .split(/[-_\s]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join(" ");
}

/** Two-digit phase number: 1 → "01". */
export function phaseNumber(index: number): string {
  return String(index + 1).padStart(2, "0");
}
