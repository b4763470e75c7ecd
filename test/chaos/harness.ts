/**
 * The chaos harness: real baton CLI processes with real codex workers against the scripted model
 * server in this process, and the counters every chaos scenario feeds. See test/chaos/scenarios.ts.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { readProc, taggedProcesses } from "../../src/core/process/procfs.ts";
import { parseModelScript } from "../../src/model-server/script.ts";
import { type ModelServer, startModelServer } from "../../src/model-server/server.ts";
import { type JournalEntry, readJournal } from "../../src/store/journal.ts";
import { type CodexTestEnv, makeCodexTestEnv } from "../helpers/codex-home.ts";
import { type Finished, finished } from "../helpers/processes.ts";

export const MAIN = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));

/** What every scenario counts; the suite passes when all of them are 0. */
export interface ChaosCounts {
  /** Worker processes alive after their baton process ended or was killed (5 s of grace). */
  orphans: number;
  /** Workers that completed before a kill but are not completed in the finished run. */
  lostResults: number;
  /** Turns that completed before a kill and were sent to the model again. */
  resentTurns: number;
  /** Journals that did not read, or run directories that were half made. */
  unreadableJournals: number;
  /** baton processes that died on their own (uncaught error, stack trace, unexpected exit code, abandoned run). */
  crashes: number;
  /** Runs resumed by two processes at once. */
  doubleRuns: number;
  /** Killed runs that `baton resume` did not bring to completion. */
  unresumed: number;
}

export const zeroCounts = (): ChaosCounts => ({
  orphans: 0,
  lostResults: 0,
  resentTurns: 0,
  unreadableJournals: 0,
  crashes: 0,
  doubleRuns: 0,
  unresumed: 0,
});

const result = (summary: string) => ({
  summary,
  findings: [],
  proposed_changes: [],
  tests: [],
  open_questions: [],
});

export interface Chaos {
  server: ModelServer;
  codex: CodexTestEnv;
  root: string;
  /** Notes of what went wrong, for the printed report. */
  notes: string[];
  /** How the random moments fell, for the printed report. */
  tally: Record<string, number>;
  close(): Promise<void>;
}

export async function startChaos(slowMs = 2_500): Promise<Chaos> {
  const server = await startModelServer({
    port: 0,
    script: parseModelScript({
      rules: [
        { match: "FOCUS: fast", json: result("fast angle done") },
        { match: "FOCUS: slow", delayMs: slowMs, json: result("slow angle done") },
        { match: "TASK: Synthesise", json: { result: "synthesised", next_step: "ship it", selected: "" } },
      ],
    }),
  });
  const codex = await makeCodexTestEnv({ baseUrl: server.url });
  const root = mkdtempSync(join(tmpdir(), "baton-chaos-"));
  return {
    server,
    codex,
    root,
    notes: [],
    tally: {},
    close: async () => {
      await server.close();
      await codex.cleanup();
      rmSync(root, { recursive: true, force: true });
    },
  };
}

export interface BatonProcess {
  child: ChildProcess;
  /** `<pid>.<start ticks>` of the baton process: every worker it starts carries it in its tag. */
  owner: string;
  done: Promise<Finished>;
}

/**
 * Starts `baton <args>` (or `wrap` around it, e.g. `timeout 60`) in its own process group, as a
 * terminal runs a foreground job. With `shell`, `args` is a shell line in which `BATON` is the CLI.
 */
export function startBaton(
  c: Chaos,
  home: string,
  args: string[],
  o: { wrap?: string[]; shell?: string } = {},
): BatonProcess {
  const cli = [process.execPath, MAIN];
  const argv = o.shell
    ? ["sh", "-c", o.shell.replaceAll("BATON", cli.map((a) => `'${a}'`).join(" "))]
    : [...(o.wrap ?? []), ...cli, ...args];
  const child = spawn(argv[0]!, argv.slice(1), {
    env: { ...c.codex.env, BATON_HOME: home, BATON_CODEX_BIN: c.codex.codexBin },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const done = finished(child);
  const pid = child.pid!;
  return { child, owner: o.wrap || o.shell ? "" : `${pid}.${readProc(pid)?.startTicks ?? 0}`, done };
}

/** Signs of a crash in what a baton process printed. */
export function crashed(stderr: string): boolean {
  return /internal error|unexpected error|EPIPE|\n\s+at .+:\d+:\d+/.test(stderr);
}

export function runIds(home: string): string[] {
  const runs = join(home, "runs");
  return existsSync(runs) ? readdirSync(runs).sort() : [];
}

/** The journal's entries; a line glued onto a torn one counts as damage (readers salvage it, a repair prevents it). */
export function journalOf(home: string, runId: string): JournalEntry[] {
  const read = readJournal(join(home, "runs", runId, "journal.jsonl"));
  if (read.salvaged > 0) throw new Error(`${read.salvaged} journal line(s) glued onto a torn one`);
  return read.entries;
}

/** Polls until `check` holds (true) or the time is up (false). */
export async function until(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      if (check()) return true;
    } catch {}
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Workers of `owner` still alive after up to `graceMs` (the sidecar kills them within about 0.5 s). */
export async function orphansOf(owner: string, graceMs = 5_000): Promise<number> {
  if (!owner) return 0;
  const alive = () => taggedProcesses((t) => t.startsWith(`${owner}:`));
  await until(() => alive().length === 0, graceMs);
  const left = alive();
  // Which processes, so an orphan can be traced to the kill that left it.
  for (const p of left) process.stderr.write(`chaos: orphan ${p.pid} ${p.tag} ${commandLine(p.pid)}\n`);
  return left.length;
}

function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "latin1").replaceAll("\0", " ").trim().slice(0, 200);
  } catch {
    return "(gone)";
  }
}

/** The owner of a run from its lock, for a baton started under a wrapper (timeout, sh). */
export function ownerOf(home: string, runId: string): string {
  try {
    return (JSON.parse(readFileSync(join(home, "runs", runId, "owner.json"), "utf8")) as { ownerId: string })
      .ownerId;
  } catch {
    return "";
  }
}

/** Model requests for one worker of one run (its angle and the run's unique task text). */
export function requestsFor(c: Chaos, token: string, angle: string): number {
  return c.server.requests.filter(
    (r) => r.lastUserText.includes(token) && r.lastUserText.includes(`FOCUS: ${angle}`),
  ).length;
}

/** Labels of research workers whose turn completed, by the journal. */
export function completedLabels(entries: JournalEntry[]): string[] {
  const labels = new Map<string, string>();
  const done: string[] = [];
  for (const e of entries) {
    if (e.type === "agent.spawned" && e.role === "research") labels.set(e.agentId, e.label);
    if (e.type === "turn.ended" && e.endReason === "completed" && labels.has(e.agentId))
      done.push(labels.get(e.agentId)!);
  }
  return done;
}
