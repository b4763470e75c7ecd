import { type Chaos, type ChaosCounts, startChaos, zeroCounts } from "./harness.ts";
import {
  brokenPipes,
  type ChaosPlan,
  ctrlC,
  diskFull,
  sigkillAtRandom,
  tornJournalResume,
  twoResumesAtOnce,
} from "./scenarios.ts";

export interface ChaosReport {
  counts: ChaosCounts;
  ran: Record<string, number>;
  diskFull: string;
  notes: string[];
  tally: Record<string, number>;
  seconds: number;
}

/**
 * Runs a chaos plan in `lanes` parallel lanes (each scenario has its own baton home and its own
 * prompts, so lanes never see each other's runs or model requests).
 */
export async function runChaos(plan: ChaosPlan, lanes = 2): Promise<ChaosReport> {
  const started = Date.now();
  const c: Chaos = await startChaos();
  const counts = zeroCounts();
  const ran: Record<string, number> = {};
  const jobs: Array<[string, () => Promise<unknown>]> = [];
  const add = (name: string, times: number, job: () => Promise<unknown>) => {
    for (let i = 0; i < times; i++) jobs.push([name, job]);
  };
  let disk = "not run";
  add("SIGKILL at a random moment + resume", plan.sigkill, () => sigkillAtRandom(c, counts, plan));
  add("torn journal + resume, twice", plan.torn, () => tornJournalResume(c, counts, plan));
  add("two resumes at once", plan.doubleResume, () => twoResumesAtOnce(c, counts, plan));
  add("disk full (ENOSPC) + resume", plan.enospc, async () => {
    disk = await diskFull(c, counts, plan);
  });
  add("closed pipes (EPIPE)", plan.epipe, () => brokenPipes(c, counts));
  add("Ctrl-C to the process group under timeout", plan.ctrlcTimeout, () =>
    ctrlC(c, counts, plan, "timeout"),
  );
  add("Ctrl-C to the process group in | tee", plan.ctrlcTee, () => ctrlC(c, counts, plan, "tee"));
  try {
    const queue = [...jobs];
    await Promise.all(
      Array.from({ length: lanes }, async () => {
        for (let job = queue.shift(); job; job = queue.shift()) {
          await job[1]();
          ran[job[0]] = (ran[job[0]] ?? 0) + 1;
        }
      }),
    );
  } finally {
    await c.close();
  }
  return {
    counts,
    ran,
    diskFull: disk,
    notes: c.notes,
    tally: c.tally,
    seconds: Math.round((Date.now() - started) / 1000),
  };
}

export function formatReport(r: ChaosReport): string {
  const lines = ["chaos: scenarios run"];
  for (const [name, n] of Object.entries(r.ran)) lines.push(`  ${String(n).padStart(3)} × ${name}`);
  for (const [name, n] of Object.entries(r.tally)) lines.push(`        ${String(n).padStart(3)} × ${name}`);
  lines.push(`  disk full: ${r.diskFull}`);
  lines.push("chaos: counts (all must be 0)");
  for (const [name, n] of Object.entries(r.counts)) lines.push(`  ${name.padEnd(20)} ${n}`);
  for (const n of r.notes) lines.push(`  note: ${n}`);
  lines.push(`chaos: ${r.seconds} s`);
  return lines.join("\n");
}
