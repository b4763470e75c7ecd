import type { RunView } from "../run/view.ts";
import { formatDurationMs } from "../util/duration.ts";

export interface Style {
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
}

const plain: Style = { bold: (s) => s, dim: (s) => s, red: (s) => s, green: (s) => s, yellow: (s) => s };
const sgr = (code: number) => (s: string) => `\u001b[${code}m${s}\u001b[0m`;
const ansi: Style = { bold: sgr(1), dim: sgr(2), red: sgr(31), green: sgr(32), yellow: sgr(33) };

/** Colour only on a terminal and only when NO_COLOR is unset (https://no-color.org). */
export function styleFor(stream: { isTTY?: boolean }, env = process.env): Style {
  return stream.isTTY && !env.NO_COLOR ? ansi : plain;
}

export function formatTokens(n: number): string {
  return n >= 1_000_000
    ? `${(n / 1_000_000).toFixed(1)}M`
    : n >= 1_000
      ? `${(n / 1_000).toFixed(1)}k`
      : String(n);
}

/** The live view as a string: header, plan, one row per worker. Pure, so it is easy to test. */
export function renderView(view: RunView, now: number, style: Style = plain, width = 100): string {
  const lines: string[] = [];
  const elapsed = formatDurationMs((view.endedAt ?? now) - view.startedAt);
  lines.push(style.bold(`baton ${view.runId} · ${view.pattern} · ${view.status} · ${elapsed}`));
  if (view.plan) {
    for (const s of view.plan.plan) {
      const mark =
        s.status === "completed"
          ? style.green("[x]")
          : s.status === "in_progress"
            ? style.yellow("[~]")
            : style.dim("[ ]");
      lines.push(`  ${mark} ${s.step}`);
    }
  }
  for (const a of view.agents) {
    const ended = a.endReason && a.status !== "running" && a.status !== "pending_init";
    const state = ended ? a.endReason! : a.status;
    const colour =
      state === "completed" ? style.green : ended && state !== "closed" ? style.red : (s: string) => s;
    const since = a.startedAt ? formatDurationMs((a.endedAt ?? now) - a.startedAt) : "-";
    const tokens = formatTokens(a.usage.inputTokens + a.usage.outputTokens);
    const row = `  ${a.id.padEnd(9)} ${a.role.padEnd(11)} ${a.label.slice(0, 28).padEnd(28)} ${colour(state.padEnd(10))} ${since.padStart(7)} ${tokens.padStart(6)} tok  ${style.dim(a.lastActivity ?? "")}`;
    lines.push(row.length > width + 40 ? row.slice(0, width + 40) : row);
  }
  return lines.join("\n");
}
