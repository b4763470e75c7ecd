import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { taggedProcesses } from "../../src/core/process/procfs.ts";
import { DEFAULT_REHEARSAL_SCRIPT } from "../../src/rehearsal/rehearsal.ts";
import { readJournal } from "../../src/store/journal.ts";
import { eventually } from "../helpers/processes.ts";

const MAIN = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));
let dir: string;
let script: string;
const children: ChildProcess[] = [];
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "baton-cancel-"));
  const base = parse(readFileSync(DEFAULT_REHEARSAL_SCRIPT, "utf8"));
  // Two lenses answer at once, one takes a minute: a run to stop in the middle.
  base.rules.unshift({ match: "LENS: clarity", delayMs: 60_000, reply: "too late" });
  script = join(dir, "slow.yaml");
  writeFileSync(script, stringify(base));
});
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill("SIGKILL");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function baton(
  args: string[],
  home: string,
): { child: ChildProcess; done: Promise<{ code: number | null; stdout: string }> } {
  const child = spawn(process.execPath, [MAIN, ...args], {
    cwd: dir,
    env: { ...process.env, BATON_HOME: home },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let stdout = "";
  child.stdout!.on("data", (d) => {
    stdout += d;
  });
  return { child, done: new Promise((resolve) => child.on("close", (code) => resolve({ code, stdout }))) };
}

/** Starts a rehearsal run and resolves once two reviewers finished and the third is busy. */
async function startBusyRun(home: string) {
  const run = baton(
    ["run", "--rehearse", "--script", script, "Review x", "--pattern", "review", "--json"],
    home,
  );
  let runId = "";
  const busy = await eventually(() => {
    const runs = join(home, "runs");
    runId = existsSync(runs) ? (readdirSync(runs)[0] ?? "") : "";
    const journal = join(runs, runId, "journal.jsonl");
    return (
      runId !== "" &&
      existsSync(journal) &&
      readJournal(journal).entries.filter((e) => e.type === "turn.ended").length === 2
    );
  }, 30_000);
  expect(busy).toBe(true);
  const owner = JSON.parse(readFileSync(join(home, "runs", runId, "owner.json"), "utf8")).ownerId as string;
  return { run, runId, owner };
}

describe("stopping a run keeps what finished", () => {
  it("baton cancel from another terminal: workers stopped, record says cancelled, exit 130, partial results kept", async () => {
    const home = join(dir, "a");
    const { run, runId, owner } = await startBusyRun(home);
    const cancel = baton(["cancel", runId], home);
    expect((await cancel.done).stdout).toContain(`run ${runId} cancelled`);
    const { code, stdout } = await run.done;
    expect(code).toBe(130);
    const view = JSON.parse(stdout);
    expect(view.status).toBe("cancelled");
    expect(view.agents.filter((a: { endReason: string }) => a.endReason === "completed")).toHaveLength(2);
    expect(view.agents.find((a: { label: string }) => a.label === "clarity and structure").endReason).toBe(
      "cancelled",
    );
    expect(readJournal(join(home, "runs", runId, "journal.jsonl")).entries.at(-1)).toMatchObject({
      type: "run.ended",
      status: "cancelled",
      exitCode: 130,
    });
    expect(taggedProcesses((t) => t.startsWith(`${owner}:`))).toEqual([]);
  });

  it("Ctrl-C (SIGINT) in the running terminal does the same", async () => {
    const home = join(dir, "b");
    const { run, owner } = await startBusyRun(home);
    run.child.kill("SIGINT");
    const { code, stdout } = await run.done;
    expect(code).toBe(130);
    expect(JSON.parse(stdout).status).toBe("cancelled");
    expect(taggedProcesses((t) => t.startsWith(`${owner}:`))).toEqual([]);
  });
});
