import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { readProc, taggedProcesses } from "../../src/core/process/procfs.ts";
import { DEFAULT_REHEARSAL_SCRIPT } from "../../src/rehearsal/rehearsal.ts";
import { type JournalEntry, readJournal } from "../../src/store/journal.ts";
import { TOY_AGENT } from "../backends/harnesses.ts";
import { eventually, finished } from "../helpers/processes.ts";

const MAIN = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));
let dir: string;
let script: string;
const children: ChildProcess[] = [];
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "baton-resume-launch-"));
  const base = parse(readFileSync(DEFAULT_REHEARSAL_SCRIPT, "utf8"));
  const clarity = base.rules.find((r: { match: string }) => r.match === "LENS: clarity");
  base.rules.unshift({ ...clarity, delayMs: 4_000 });
  script = join(dir, "slow-clarity.yaml");
  writeFileSync(script, stringify(base));
});
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill("SIGKILL");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function baton(args: string[], home: string, execArgv: string[] = []) {
  const child = spawn(process.execPath, [...execArgv, MAIN, ...args], {
    cwd: dir,
    env: { ...process.env, BATON_HOME: home },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  const owner = `${child.pid}.${readProc(child.pid!)?.startTicks ?? 0}`;
  return { child, owner, done: finished(child) };
}

function journal(home: string): { runId: string; entries: JournalEntry[] } {
  const runs = join(home, "runs");
  const runId = existsSync(runs) ? (readdirSync(runs)[0] ?? "") : "";
  const file = join(runs, runId, "journal.jsonl");
  return { runId, entries: runId && existsSync(file) ? readJournal(file).entries : [] };
}
const ended = (entries: JournalEntry[]) =>
  entries.filter((e) => e.type === "turn.ended" && e.endReason === "completed").length;

describe("resume makes the workers the way the run made them", () => {
  it("a rehearsal killed mid-run resumes on its scripted model without --rehearse", async () => {
    const home = join(dir, "rehearsal");
    const run = baton(
      ["run", "--rehearse", "--script", script, "Review x", "--pattern", "review", "--json"],
      home,
    );
    expect(await eventually(() => ended(journal(home).entries) === 2, 40_000)).toBe(true);
    run.child.kill("SIGKILL");
    await run.done;
    const { runId, entries } = journal(home);
    const started = entries.find((e) => e.type === "run.started");
    expect(started?.type === "run.started" && started.options.launch).toEqual({
      backend: "codex",
      rehearse: true,
      script,
    });
    const resumed = baton(["resume", runId, "--json"], home);
    const out = await resumed.done;
    expect(out.code, out.stderr).toBe(0);
    expect(out.stderr).toMatch(/REHEARSAL: .*scripted model/);
    expect(JSON.parse(out.stdout).status).toBe("completed");
    const again = baton(["resume", runId, "--rehearse", "--script", join(dir, "other.yaml")], home);
    expect((await again.done).stdout).toMatch(/already ended/);
  });

  it("a --backend command run resumes on the same command, not on codex", async () => {
    const home = join(dir, "command");
    const command = `'${process.execPath}' '${TOY_AGENT}'`;
    const run = baton(
      [
        "run",
        "Review x",
        "--pattern",
        "review",
        "--lenses",
        "quick,CONF-PARALLEL slow",
        "--backend",
        "command",
        "--command",
        command,
        "--json",
      ],
      home,
    );
    expect(await eventually(() => ended(journal(home).entries) === 1, 40_000)).toBe(true);
    run.child.kill("SIGKILL");
    await run.done;
    const { runId } = journal(home);
    const out = await baton(["resume", runId, "--json"], home).done;
    expect(out.code, out.stderr).not.toBe(1);
    const entries = journal(home).entries;
    const after = entries.slice(entries.findIndex((e) => e.type === "run.resumed"));
    const spawned = after.filter((e) => e.type === "agent.spawned");
    expect(spawned.length).toBeGreaterThan(0);
    expect(spawned.map((e) => e.type === "agent.spawned" && e.backend)).toEqual(spawned.map(() => "command"));
    expect(entries.at(-1)).toMatchObject({ type: "run.ended" });
  });

  it("a run killed between its last snapshot and run.ended is finished by resume from the record alone", async () => {
    const home = join(dir, "end");
    const command = `'${process.execPath}' '${TOY_AGENT}'`;
    const first = await baton(
      [
        "run",
        "Review x",
        "--pattern",
        "review",
        "--lenses",
        "a,b",
        "--backend",
        "command",
        "--command",
        command,
        "--json",
      ],
      home,
    ).done;
    expect(first.code, first.stderr).toBe(0);
    const { runId } = journal(home);
    const file = join(home, "runs", runId, "journal.jsonl");
    // What a SIGKILL right after the final run.json (status completed) leaves: no run.ended, a dead owner's lock.
    writeFileSync(file, readFileSync(file, "utf8").replace(/.*"type":"run\.ended".*\n$/, ""));
    writeFileSync(
      join(home, "runs", runId, "owner.json"),
      JSON.stringify({ pid: 999_999_999, ownerId: "999999999.1" }),
    );
    const out = await baton(["resume", runId, "--json"], home).done;
    expect(out.code, out.stderr).toBe(0);
    const entries = journal(home).entries;
    expect(entries.at(-1)).toMatchObject({ type: "run.ended", status: "completed" });
    const after = entries.slice(entries.findIndex((e) => e.type === "run.resumed"));
    expect(after.filter((e) => e.type === "agent.spawned")).toEqual([]);
    expect(after.filter((e) => e.type === "agent.replayed").length).toBeGreaterThanOrEqual(2);
  });

  it("an uncaught error is one line and exit 1, and no worker outlives it", async () => {
    const home = join(dir, "crash");
    // A fault baton cannot foresee, raised while workers are busy.
    const boom = `data:text/javascript,process.on("SIGUSR2",()=>{throw new Error("boom from a test")})`;
    const run = baton(["run", "--rehearse", "--script", script, "Review x", "--pattern", "review"], home, [
      "--import",
      boom,
    ]);
    expect(await eventually(() => ended(journal(home).entries) === 2, 40_000)).toBe(true);
    run.child.kill("SIGUSR2");
    const out = await run.done;
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(/baton: internal error: boom from a test \(BATON_DEBUG=1 shows where\)\n$/);
    expect(out.stderr).not.toMatch(/\n\s+at /);
    expect(taggedProcesses((t) => t.startsWith(`${run.owner}:`))).toEqual([]);
  });
});
