import { createInterface } from "node:readline/promises";
import type { Question } from "../run/clarify.ts";
import { type RunJson, RunJsonSchema, type RunView } from "../run/view.ts";
import type { liveView } from "../ui/live.ts";
import { withFlags } from "./flags.ts";

/** A worker's question asked on the terminal, the live view paused meanwhile. */
export async function askOnTerminal(
  q: Question,
  view: ReturnType<typeof liveView> | undefined,
): Promise<string> {
  view?.pause(true);
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    const options = q.options.length ? ` [${q.options.join(" / ")}]` : "";
    const fallback = q.recommended || q.options[0] || "";
    const answer = await rl.question(
      `\nA worker asks: ${q.question}${options}${fallback ? ` (Enter = ${fallback})` : ""}\n> `,
    );
    return answer.trim() || fallback;
  } finally {
    rl.close();
    view?.pause(false);
  }
}

/** The human end of `baton run` / `baton resume` (`--json` prints the run instead). */
export function printSummary(v: RunView, rehearsed: boolean): void {
  const out = process.stdout;
  const r = v.result;
  out.write(
    `\n${v.status.toUpperCase()}${rehearsed ? " (REHEARSAL: scripted model, no tokens spent)" : ""} — run ${v.runId} (${v.pattern})\n`,
  );
  if (v.error) out.write(`Error: ${withFlags(v.error.message)}\n`);
  if (r) {
    out.write(`\n${r.summary}\n\nNext step: ${r.nextStep || "(none)"}\n`);
    if (r.selected) out.write(`Selected option: ${r.selected}\n`);
    if (r.verification)
      out.write(`Verification: ${r.verification.passed ? "passed" : "FAILED"} — ${r.verification.summary}\n`);
    if (r.findings.length) {
      out.write("\nFindings:\n");
      for (const f of r.findings.slice(0, 10))
        out.write(
          `  [${f.severity}] ${f.title}${f.location ? ` (${f.location})` : ""} — ${f.reportedBy.join(", ")}\n`,
        );
      if (r.findings.length > 10) out.write(`  … ${r.findings.length - 10} more in the report\n`);
    }
    for (const m of r.merges?.filter((x) => x.merged) ?? [])
      out.write(
        `Merged: ${m.label} (${m.branch})${m.resolvedBy ? `, conflicts resolved by ${m.resolvedBy}` : ""}\n`,
      );
    for (const w of r.failedWorkers)
      out.write(
        `Failed worker: ${w.label} (${w.agentId}): ${w.endReason}${w.error ? ` — ${w.error}` : ""}\n`,
      );
    for (const w of r.warnings) out.write(`Warning: ${w}\n`);
  }
  out.write(`\nRecord: ${v.dir}\nReport: baton report ${v.runId}\n`);
}

/** The `--json` shape of `run`, `resume` and `status <run-id>` (docs/formats.md): the run view through `RunJsonSchema`. */
export function jsonOf(v: RunView): RunJson {
  return RunJsonSchema.parse(v);
}
