import type { WorkerOutcome } from "../context.ts";

/** A verifier passes when it completed, does not say FAIL, and reports nothing critical or high. */
export function verdict(verifier: WorkerOutcome): { passed: boolean; summary: string } {
  if (!verifier.ok || !verifier.result) {
    return {
      passed: false,
      summary: `verifier did not finish: ${verifier.endReason}${verifier.error ? ` (${verifier.error})` : ""}`,
    };
  }
  const r = verifier.result;
  const blocking = r.findings.some((f) => f.severity === "critical" || f.severity === "high");
  const saysFail = /^\s*fail/i.test(r.summary);
  return { passed: !saysFail && !blocking, summary: r.summary };
}
