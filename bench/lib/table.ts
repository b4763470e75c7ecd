/** A GitHub-flavoured Markdown table whose columns line up in a terminal too. */
export function markdownTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ""))));
  const line = (cells: readonly string[]) =>
    `| ${cells.map((c, i) => c + " ".repeat(widths[i]! - width(c))).join(" | ")} |`;
  return [line(headers), `|${widths.map((w) => ` ${"-".repeat(w)} `).join("|")}|`, ...rows.map(line)].join(
    "\n",
  );
}

/** Display width: code points, so "×", "≤" and "–" count as one. */
function width(text: string): number {
  return [...text].length;
}
