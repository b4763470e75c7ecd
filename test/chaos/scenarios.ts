/**
 * The chaos scenarios (docs/formats.md, "Faults"): SIGKILL at random moments, torn journals with
 * resume, two resumes at once, a full disk, closed pipes, and Ctrl-C to the whole process group under
 * `timeout` and in a `| tee` pipeline — each against real codex workers and the scripted model.
 */
import { execFileSync } from "node:child_process";
import { appendFileSync, mkdirSync, rmSync, statfsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ownerAlive } from "../../src/core/process/owner.ts";
import { readProc } from "../../src/core/process/procfs.ts";
import { createRunRecord } from "../../src/store/create.ts";
import { Journal } from "../../src/store/journal.ts";
import {
  type BatonProcess,
  type Chaos,
  type ChaosCounts,
  completedLabels,
  crashed,
  journalOf,
  orphansOf,
  ownerOf,
  requestsFor,
  runIds,
  startBaton,
  until,
} from "./harness.ts";

export interface ChaosPlan {
  sigkill: number;
  torn: number;
  doubleResume: number;
  enospc: number;
  epipe: number;
  ctrlcTimeout: number;
  ctrlcTee: number;
  /** Research angles per run: half fast, half slow. */
  angles: number;
}

export const FULL: ChaosPlan = {
  sigkill: 20,
  torn: 2,
  doubleResume: 10,
  enospc: 1,
  epipe: 1,
  ctrlcTimeout: 10,
  ctrlcTee: 10,
  angles: 4,
};
export const SHORT: ChaosPlan = {
  sigkill: 1,
  torn: 1,
  doubleResume: 1,
  enospc: 1,
  epipe: 1,
  ctrlcTimeout: 1,
  ctrlcTee: 1,
  angles: 2,
};

const TORN_TAIL = '{"v":1,"seq":999,"at":"2026-12-01T00:00:00.000Z","type":"turn.ended","agentId":"agent-9';
let serial = 0;

interface Run {
  c: Chaos;
  counts: ChaosCounts;
  name: string;
  home: string;
  token: string;
  angles: string[];
  /** Every label that had completed at some kill: none of them may be sent to the model again. */
  completedAtKills: Set<string>;
}

function newRun(c: Chaos, counts: ChaosCounts, plan: ChaosPlan, kind: string): Run {
  const n = ++serial;
  const half = Math.max(1, Math.floor(plan.angles / 2));
  const angles = Array.from({ length: plan.angles }, (_, i) =>
    i < half ? `fast r${n}a${i}` : `slow r${n}a${i}`,
  );
  const home = join(c.root, `${kind}-${n}`);
  return {
    c,
    counts,
    name: `${kind}-${n}`,
    home,
    token: `chaos-run-${n}`,
    angles,
    completedAtKills: new Set(),
  };
}

function researchArgs(r: Run, json = true): string[] {
  const n = String(r.angles.length);
  return [
    "run",
    `Compare queue libraries (${r.token})`,
    "--pattern",
    "research",
    "--lenses",
    r.angles.join(","),
    "--workers",
    n,
    "--concurrency",
    n,
    // CHAOS_BACKEND=codex-exec|codex-app runs the suite over one codex transport (default: baton's default).
    ...(process.env.CHAOS_BACKEND ? ["--backend", process.env.CHAOS_BACKEND] : []),
    ...(json ? ["--json"] : []),
  ];
}

/** The fast workers finished and the slow ones are talking to the model. */
function busy(r: Run, since = 0): () => boolean {
  return () => {
    const id = runIds(r.home).at(-1);
    if (!id) return false;
    const entries = journalOf(r.home, id).slice(since);
    const fast = r.angles.filter((a) => a.startsWith("fast"));
    const slow = r.angles.filter((a) => a.startsWith("slow"));
    const done = new Set(completedLabels(journalOf(r.home, id)));
    return (
      entries.some((e) => e.type === "turn.started") &&
      fast.every((a) => done.has(a)) &&
      slow.every((a) => requestsFor(r.c, r.token, a) > 0 && !done.has(a))
    );
  };
}

function note(r: Run, what: string): void {
  r.c.notes.push(`${r.name}: ${what}`);
}

/** After a kill: the run dir is whole or absent, and what completed is remembered. */
function afterKill(r: Run): string | undefined {
  const id = runIds(r.home).at(-1);
  if (!id) return undefined; // killed before the record existed: nothing half-made, nothing to resume
  try {
    const entries = journalOf(r.home, id);
    if (!entries.some((e) => e.type === "run.started")) throw new Error("no run.started");
    if (entries.some((e) => e.type === "run.ended")) return undefined; // finished before the kill
    for (const label of completedLabels(entries)) r.completedAtKills.add(label);
    return id;
  } catch (error) {
    r.counts.unreadableJournals++;
    note(r, `journal after the kill: ${(error as Error).message}`);
    return undefined;
  }
}

async function killNow(r: Run, p: BatonProcess): Promise<void> {
  p.child.kill("SIGKILL");
  await p.done;
  r.counts.orphans += await orphansOf(p.owner);
}

/** Resumes with `resumers` processes at once; the run must end completed, once, with nothing lost or re-sent. */
async function resume(r: Run, runId: string, resumers = 1): Promise<void> {
  const before = journalOf(r.home, runId).filter((e) => e.type === "run.resumed").length;
  const procs = Array.from({ length: resumers }, () => startBaton(r.c, r.home, ["resume", runId, "--json"]));
  const outs = await Promise.all(procs.map((p) => p.done));
  for (const [i, out] of outs.entries()) {
    r.counts.orphans += await orphansOf(procs[i]!.owner);
    // 0: it ran (or found the run already ended); 2: another process owns the run.
    if (crashed(out.stderr) || (out.code !== 0 && out.code !== 2)) {
      r.counts.crashes++;
      note(r, `resume exit ${out.code}: ${out.stderr.slice(-300)}`);
    }
  }
  await finish(r, runId, outs, before);
}

async function finish(
  r: Run,
  runId: string,
  outs: Array<{ code: number | null; stdout: string; stderr: string }>,
  resumedBefore: number,
): Promise<void> {
  const stdouts = outs.map((o) => o.stdout);
  let entries: ReturnType<typeof journalOf>;
  try {
    entries = journalOf(r.home, runId);
  } catch (error) {
    r.counts.unreadableJournals++;
    note(r, `journal after resume: ${(error as Error).message}`);
    return;
  }
  const resumed = entries.filter((e) => e.type === "run.resumed").length - resumedBefore;
  if (resumed > 1) {
    r.counts.doubleRuns += resumed - 1;
    note(r, `${resumed} resumes ran`);
  }
  const last = entries.at(-1);
  if (last?.type !== "run.ended" || last.status !== "completed") {
    r.counts.unresumed++;
    const said = outs.map((o) => `exit ${o.code}: ${(o.stderr + o.stdout).slice(-200)}`).join(" | ");
    note(r, `after resume the journal ends with ${JSON.stringify(last)?.slice(0, 120)}; resume ${said}`);
    return;
  }
  const view = stdouts.map(parseJson).find((v) => v?.runId === runId);
  const completed = new Set(
    (view?.agents ?? [])
      .filter((a) => a.role === "research" && a.endReason === "completed")
      .map((a) => a.label),
  );
  for (const label of r.completedAtKills) if (!completed.has(label)) r.counts.lostResults++;
  countResent(r);
}

function countResent(r: Run): void {
  for (const label of r.completedAtKills) {
    const sent = requestsFor(r.c, r.token, label);
    if (sent === 0) throw new Error(`chaos harness: no request seen for ${label}; the counting is broken`);
    r.counts.resentTurns += sent - 1;
  }
}

function parseJson(
  text: string,
): { runId?: string; agents?: Array<{ role: string; label: string; endReason?: string }> } | undefined {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export async function sigkillAtRandom(c: Chaos, counts: ChaosCounts, plan: ChaosPlan): Promise<void> {
  const r = newRun(c, counts, plan, "sigkill");
  const p = startBaton(c, r.home, researchArgs(r));
  // A moment anywhere in the run's life: during start-up, or after a random number of journal lines.
  if (Math.random() < 0.15) await sleep(Math.random() * 1_500);
  else {
    const lines = 1 + Math.floor(Math.random() * (4 * r.angles.length + 8));
    await until(() => journalOf(r.home, runIds(r.home).at(-1)!).length >= lines, 60_000);
    await sleep(Math.random() * 300);
  }
  await killNow(r, p);
  const id = afterKill(r);
  const where = !runIds(r.home).length
    ? "before the record existed"
    : id
      ? "mid-run (then resumed)"
      : "after the run ended";
  c.tally[`SIGKILL ${where}`] = (c.tally[`SIGKILL ${where}`] ?? 0) + 1;
  if (id) await resume(r, id);
}

const sleep = (ms: number) => new Promise((res) => setTimeout(res, ms));

export async function tornJournalResume(c: Chaos, counts: ChaosCounts, plan: ChaosPlan): Promise<void> {
  const r = newRun(c, counts, plan, "torn");
  const p = startBaton(c, r.home, researchArgs(r));
  if (!(await until(busy(r), 60_000))) return note(r, "never got busy");
  await killNow(r, p);
  const id = afterKill(r)!;
  const file = join(r.home, "runs", id, "journal.jsonl");
  appendFileSync(file, TORN_TAIL);
  // Resumed, killed again while busy, torn again: the second resume must still finish the run.
  const since = journalOf(r.home, id).length;
  const again = startBaton(c, r.home, ["resume", id, "--json"]);
  if (
    !(await until(
      () =>
        journalOf(r.home, id)
          .slice(since)
          .some((e) => e.type === "turn.started"),
      60_000,
    ))
  )
    return note(r, "the first resume never started a worker");
  await killNow(r, again);
  afterKill(r);
  appendFileSync(file, TORN_TAIL);
  await resume(r, id);
}

export async function twoResumesAtOnce(c: Chaos, counts: ChaosCounts, plan: ChaosPlan): Promise<void> {
  const r = newRun(c, counts, plan, "double");
  const p = startBaton(c, r.home, researchArgs(r));
  if (!(await until(busy(r), 60_000))) return note(r, "never got busy");
  await killNow(r, p);
  const id = afterKill(r);
  if (id) await resume(r, id, 2);
}

export async function diskFull(c: Chaos, counts: ChaosCounts, plan: ChaosPlan): Promise<string> {
  const r = newRun(c, counts, plan, "enospc");
  const mnt = join(c.root, `tmpfs-${serial}`);
  mkdirSync(mnt, { recursive: true });
  try {
    execFileSync("mount", ["-t", "tmpfs", "-o", "size=8m", "tmpfs", mnt], { stdio: "ignore" });
  } catch {
    // Not root: no tmpfs of our own, but an unwritable record is the other fault the recorder meets.
    return process.getuid?.() === 0 ? "skipped: mount -t tmpfs failed" : unwritableRecord(c, counts, plan);
  }
  try {
    r.home = join(mnt, "home");
    const p = startBaton(c, r.home, researchArgs(r));
    if (!(await until(busy(r), 60_000))) {
      note(r, "never got busy");
      return "not measured";
    }
    const filler = join(mnt, "filler");
    const { bavail, bsize } = statfsSync(mnt);
    try {
      writeFileSync(filler, Buffer.alloc(Number(bavail) * Number(bsize)));
    } catch {}
    const out = await p.done;
    counts.orphans += await orphansOf(p.owner);
    const view = parseJson(out.stdout) as { status?: string; error?: { message?: string } } | undefined;
    if (crashed(out.stderr) || out.code !== 1 || !/ENOSPC|no space/i.test(view?.error?.message ?? "")) {
      counts.crashes++;
      note(r, `disk full: exit ${out.code}, error ${view?.error?.message}, stderr ${out.stderr.slice(-300)}`);
    }
    const id = runIds(r.home).at(-1)!;
    afterKill(r);
    rmSync(filler, { force: true });
    await resume(r, id);
    return "measured";
  } finally {
    try {
      execFileSync("umount", ["-l", mnt], { stdio: "ignore" });
    } catch {}
  }
}

export async function brokenPipes(c: Chaos, counts: ChaosCounts): Promise<void> {
  const home = join(c.root, `epipe-${++serial}`);
  const runId = "20261201-000000-e01e";
  const dir = createRunRecord({
    home,
    runId,
    owner: { pid: process.pid, ownerId: `${process.pid}.${readProc(process.pid)?.startTicks ?? 0}` },
    lines: [{ type: "run.started", runId, task: "pipes", pattern: "review", cwd: c.root, options: {} }],
    snapshot: {
      runId,
      dir: "",
      task: "pipes",
      status: "completed",
      pattern: "review",
      agents: [],
      startedAt: 0,
    },
  });
  const j = new Journal(join(dir, "journal.jsonl"));
  for (let i = 0; i < 5_000; i++)
    j.append({ type: "plan.updated", plan: { explanation: `step ${i}`, plan: [] } });
  j.append({ type: "run.ended", status: "completed", exitCode: 0 });
  for (const line of [
    `BATON logs ${runId} | head -1`,
    "BATON status | head -c 10",
    `BATON logs ${runId} --json 2>&1 | true`,
  ]) {
    const out = await startBaton(c, home, [], { shell: line }).done;
    if (out.stderr !== "" || out.code !== 0) {
      counts.crashes++;
      c.notes.push(`pipe "${line}": exit ${out.code}, stderr ${out.stderr.slice(-300)}`);
    }
  }
}

/** One Ctrl-C to the whole foreground process group: a graceful cancel, partial results kept. */
export async function ctrlC(
  c: Chaos,
  counts: ChaosCounts,
  plan: ChaosPlan,
  how: "timeout" | "tee",
): Promise<void> {
  const r = newRun(c, counts, plan, `ctrlc-${how}`);
  const log = join(c.root, `tee-${serial}.log`);
  const p =
    how === "timeout"
      ? startBaton(c, r.home, researchArgs(r), { wrap: ["timeout", "120"] })
      : startBaton(c, r.home, [], {
          shell: `BATON ${researchArgs(r, false)
            .map((a) => `'${a}'`)
            .join(" ")} 2>&1 | tee '${log}'`,
        });
  if (!(await until(busy(r), 60_000))) {
    process.kill(-p.child.pid!, "SIGKILL");
    return note(r, "never got busy");
  }
  const id = runIds(r.home).at(-1)!;
  const owner = ownerOf(r.home, id);
  const done = new Set(completedLabels(journalOf(r.home, id)));
  process.kill(-p.child.pid!, "SIGINT");
  const out = await p.done;
  // Under `| tee` the shell and tee may be gone before baton: wait for baton itself.
  await until(() => !ownerAlive(owner), 30_000);
  counts.orphans += await orphansOf(owner);
  if (how === "timeout" && (crashed(out.stderr) || out.code !== 130)) {
    counts.crashes++;
    note(r, `Ctrl-C under timeout: exit ${out.code}, stderr ${out.stderr.slice(-300)}`);
  }
  const last = journalOf(r.home, id).at(-1);
  if (last?.type !== "run.ended" || last.status !== "cancelled") {
    counts.crashes++;
    note(r, `Ctrl-C (${how}): the journal ends with ${JSON.stringify(last)?.slice(0, 200)}`);
    return;
  }
  const agents = journalOf(r.home, id);
  const kept = new Set(completedLabels(agents));
  for (const label of done) if (!kept.has(label)) counts.lostResults++;
  r.completedAtKills = done;
  countResent(r);
}

/** The record made unwritable (EACCES) while workers are busy; for machines where a tmpfs cannot be mounted. */
async function unwritableRecord(c: Chaos, counts: ChaosCounts, plan: ChaosPlan): Promise<string> {
  const r = newRun(c, counts, plan, "eacces");
  const p = startBaton(c, r.home, researchArgs(r));
  if (!(await until(busy(r), 60_000))) {
    note(r, "never got busy");
    return "not measured";
  }
  const id = runIds(r.home).at(-1)!;
  const dir = join(r.home, "runs", id);
  execFileSync("chmod", ["-R", "a-w", dir]);
  const out = await p.done;
  counts.orphans += await orphansOf(p.owner);
  const view = parseJson(out.stdout) as { error?: { message?: string } } | undefined;
  if (
    crashed(out.stderr) ||
    out.code !== 1 ||
    !/EACCES|permission denied/i.test(view?.error?.message ?? "")
  ) {
    counts.crashes++;
    note(
      r,
      `unwritable record: exit ${out.code}, error ${view?.error?.message}, stderr ${out.stderr.slice(-300)}`,
    );
  }
  execFileSync("chmod", ["-R", "u+w", dir]);
  afterKill(r);
  await resume(r, id);
  return "measured as EACCES (an unwritable record): a tmpfs needs root";
}
