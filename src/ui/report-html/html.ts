const ENTITIES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Escapes text for an HTML element or a quoted attribute: every value from the record goes through it. */
export function esc(value: unknown): string {
  return String(value ?? "").replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}

/** `2026-12-01 22:58:51.324 UTC`: exact, and the same wherever the page is opened. */
export function exactTime(ms: number): string {
  return `${new Date(ms).toISOString().replace("T", " ").replace("Z", "")} UTC`;
}

/** `+1.6s` from the run's start, for labels on the timeline. */
export function offset(ms: number): string {
  if (ms < 1_000) return `+${Math.round(ms)}ms`;
  if (ms < 60_000) return `+${(ms / 1_000).toFixed(ms < 10_000 ? 2 : 1)}s`;
  return `+${Math.floor(ms / 60_000)}m${String(Math.round((ms % 60_000) / 1_000)).padStart(2, "0")}s`;
}

export function section(id: string, title: string, body: string): string {
  return `<section id="${esc(id)}"><h2>${esc(title)}</h2>${body}</section>`;
}

/** Pretty-printed when it is JSON (a worker's structured answer), else as it is. */
export function prettyText(text: string): string {
  const trimmed = text.trim();
  if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
    try {
      return JSON.stringify(JSON.parse(trimmed), null, 2);
    } catch {
      // not JSON after all
    }
  }
  return text;
}
