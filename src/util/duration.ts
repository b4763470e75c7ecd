import { BatonError } from "../errors.ts";

const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 } as const;

/**
 * Parses a human duration ("500ms", "90s", "10m", "1h", "1h30m"); the unit is required.
 * @example parseDurationMs("10m", "--timeout") // 600000
 */
export function parseDurationMs(text: string, what: string): number {
  const trimmed = text.trim();
  // A bare number was once taken as milliseconds: `--timeout 5` killed every worker after 5 ms.
  if (/^\d+(\.\d+)?$/.test(trimmed))
    throw new BatonError(
      "E_USAGE",
      `${what}: "${text}" has no unit; did you mean ${trimmed}s? Use 500ms, 90s, 10m or 1h30m`,
    );
  const parts = [...trimmed.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h)/g)];
  const consumed = parts.map((p) => p[0]).join("");
  if (parts.length === 0 || consumed !== trimmed) {
    throw new BatonError(
      "E_USAGE",
      `${what}: "${text}" is not a duration; use a number with a unit, e.g. 500ms, 90s, 10m, 1h30m`,
    );
  }
  const total = parts.reduce((sum, p) => sum + Number(p[1]) * UNIT_MS[p[2] as keyof typeof UNIT_MS], 0);
  if (total <= 0)
    throw new BatonError("E_USAGE", `${what}: the duration must be greater than zero, got "${text}"`);
  return Math.round(total);
}

export function formatDurationMs(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)}ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)}s`;
  const m = Math.floor(ms / 60_000);
  const s = Math.round((ms % 60_000) / 1_000);
  return `${m}m${String(s).padStart(2, "0")}s`;
}
