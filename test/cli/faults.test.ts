import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { readProc } from "../../src/core/process/procfs.ts";
import { researchAngles } from "../../src/run/patterns/research.ts";
import { writeJsonAtomic } from "../../src/store/atomic.ts";
import { createRunRecord } from "../../src/store/create.ts";
import { Journal } from "../../src/store/journal.ts";
import { type Finished, finished } from "../helpers/processes.ts";

const MAIN = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));
let root: string;
const children: ChildProcess[] = [];
beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), "baton-faults-"));
});
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill("SIGKILL");
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Runs a shell line with `baton` meaning this checkout's CLI. */
function sh(line: string, home: string, closeStderr = false): Promise<Finished> {
  const child = spawn("sh", ["-c", line.replaceAll("baton ", `"${process.execPath}" "${MAIN}" `)], {
    cwd: root,
    env: { ...process.env, BATON_HOME: home, BATON_NO_REAP: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  const done = finished(child);
  // A reader that went away: the next write to stderr fails with EPIPE.
  if (closeStderr) child.stderr!.destroy();
  return done;
}

const home = (name: string) => join(root, name);
const runsIn = (h: string) => (existsSync(join(h, "runs")) ? readdirSync(join(h, "runs")) : []);
const me = { pid: process.pid, ownerId: `${process.pid}.${readProc(process.pid)!.startTicks}` };

function recordRun(h: string, runId: string, lines = 0): string {
  const dir = createRunRecord({
    home: h,
    runId,
    owner: me,
    lines: [{ type: "run.started", runId, task: "a task", pattern: "review", cwd: root, options: {} }],
    snapshot: {
      runId,
      dir: "",
      task: "a task",
      status: "running",
      pattern: "review",
      agents: [],
      startedAt: 0,
    },
  });
  const j = new Journal(join(dir, "journal.jsonl"));
  for (let i = 0; i < lines; i++)
    j.append({ type: "plan.updated", plan: { explanation: `step ${i}`, plan: [] } });
  // A dead owner: the run is abandoned.
  writeJsonAtomic(join(dir, "owner.json"), { pid: 999_999_999, ownerId: "999999999.1" });
  return dir;
}

describe("input is checked before anything is recorded", () => {
  it.each([
    ["a duration without a unit", `--timeout 5`, /--timeout: "5" has no unit; did you mean 5s\?/],
    ["a -C that does not exist", `-C /nonexistent/dir`, /-C\/--cwd "\/nonexistent\/dir": no such directory/],
    ["a lens name too long", `--lenses ${"a".repeat(120)},b`, /--lenses: each name is at most 80 characters/],
    [
      "more workers than lenses",
      `--pattern research --lenses a,b --workers 8`,
      /--workers 8 asks for more workers than the 2 --lenses/,
    ],
  ])("%s: exit 2, a clear message, no run directory", async (_what, flags, message) => {
    const h = home(`input-${_what.replaceAll(" ", "-")}`);
    const r = await sh(`baton run "Review x" ${flags}`, h);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/unexpected|ENOENT|\n\s+at /);
    expect(runsIn(h)).toEqual([]);
  });

  it("--workers N is honoured by research without --lenses", () => {
    expect(researchAngles(undefined, 8)).toHaveLength(8);
    expect(new Set(researchAngles(undefined, 12)).size).toBe(12);
    expect(researchAngles(undefined, undefined)).toHaveLength(3);
  });
});

describe("files the user names", () => {
  it("skill convert of an agent to an --out it cannot create: exit 1, one line naming the path", async () => {
    const agent = fileURLToPath(
      new URL("../fixtures/skills/04-yaml-blocks/hardening/agents/vuln-scanner.md", import.meta.url),
    );
    const file = join(root, "a-file");
    writeFileSync(file, "not a directory\n");
    const r = await sh(`baton skill convert "${agent}" --out "${file}/out"`, home("convert-out"));
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/^baton: cannot mkdir .*a-file\/out: ENOTDIR \(not a directory\)$/m);
    expect(r.stderr).not.toMatch(/unexpected|\n\s+at /);
  });
});

describe("prompts in argv", () => {
  it("a --command with {prompt} is warned about: argv is readable by every local user", async () => {
    const h = home("argv");
    const r = await sh(
      `baton run "Review x" --pattern review --backend command --command "/bin/false {prompt}" --json`,
      h,
    );
    expect(r.stderr).toMatch(
      /warning: \{prompt\} puts each prompt in the tool's argv.*\{prompt_file\} or stdin/,
    );
    const quiet = await sh(
      `baton run "Review x" --pattern review --backend command --command "/bin/false" --json`,
      h,
    );
    expect(quiet.stderr).not.toMatch(/warning/);
    // Every reviewer failed, so the run did: its error keeps the step's code through --json and the record.
    const out = JSON.parse(quiet.stdout);
    expect(out).toMatchObject({
      status: "failed",
      error: { code: "E_BACKEND", message: expect.any(String) },
    });
    const status = await sh(`baton status ${out.runId} --json`, h);
    expect(JSON.parse(status.stdout).error).toEqual(out.error);
  });
});

describe("pipes and broken records", () => {
  it("a reader that goes away (| head -1) ends the command quietly, on stdout and on stderr", async () => {
    const h = home("pipes");
    const dir = recordRun(h, "20261201-000000-aaaa", 4000);
    expect(existsSync(dir)).toBe(true);
    const logs = await sh(`baton logs 20261201-000000-aaaa | head -1; echo "status=$?"`, h);
    expect(logs.stderr).toBe("");
    expect(logs.stdout.split("\n")).toHaveLength(3); // one line, the status, the final newline
    const usage = await sh(`baton run ""`, h, true);
    expect(usage.code).toBe(2);
  });

  it("status lists every run when one is damaged, and marks it; a missing run.json is rebuilt", async () => {
    const h = home("damaged");
    recordRun(h, "20261201-000001-aaaa");
    const broken = recordRun(h, "20261201-000002-bbbb");
    writeFileSync(join(broken, "journal.jsonl"), "not json\nnot json either\n{}\n");
    rmSync(join(broken, "run.json"));
    const lost = recordRun(h, "20261201-000003-cccc");
    rmSync(join(lost, "run.json"));
    const r = await sh("baton status", h);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split("\n");
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/20261201-000001-aaaa\s+abandoned/);
    expect(lines[1]).toMatch(/20261201-000002-bbbb\s+damaged .*journal\.jsonl:1/);
    expect(lines[2]).toMatch(/20261201-000003-cccc\s+abandoned .*rebuilt from the journal/);
  });

  it("logs --follow of an abandoned run ends, saying so", async () => {
    const h = home("follow");
    recordRun(h, "20261201-000004-dddd", 2);
    const started = Date.now();
    const r = await sh("baton logs 20261201-000004-dddd --follow", h);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/no live baton process \(abandoned\).*baton resume/);
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it("a resume of a run another live baton owns exits 2 naming that process", async () => {
    const h = home("owned");
    const dir = recordRun(h, "20261201-000005-eeee");
    writeJsonAtomic(join(dir, "owner.json"), me);
    const r = await sh("baton resume 20261201-000005-eeee", h);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`still running in baton process ${process.pid}`));
    mkdirSync(join(h, "x"), { recursive: true });
  });
});
