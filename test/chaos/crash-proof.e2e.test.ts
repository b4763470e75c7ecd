import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { codexBackend } from "../../src/backends/codex/backend.ts";
import { Pool } from "../../src/core/pool.ts";
import { taggedProcesses } from "../../src/core/process/procfs.ts";
import { parseModelScript } from "../../src/model-server/script.ts";
import { type ModelServer, startModelServer } from "../../src/model-server/server.ts";
import { runTask } from "../../src/run/run.ts";
import { readJournal } from "../../src/store/journal.ts";
import { type CodexTestEnv, makeCodexTestEnv } from "../helpers/codex-home.ts";
import { eventually } from "../helpers/processes.ts";

const MAIN = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));
const result = (summary: string) => ({
  summary,
  findings: [],
  proposed_changes: [],
  tests: [],
  open_questions: [],
});

let server: ModelServer;
let codex: CodexTestEnv;
let home: string;
const children: ChildProcess[] = [];

beforeAll(async () => {
  server = await startModelServer({
    port: 0,
    script: parseModelScript({
      rules: [
        { match: "FOCUS: fast", json: result("fast angle done") },
        { match: "FOCUS: slow", delayMs: 4_000, json: result("slow angle done") },
        { match: "FOCUS: hung", hang: true },
        { match: "LENS: limited", times: 4, http: { status: 429, retryAfterSeconds: 0 } },
        { match: "LENS:", json: result("lens done") },
        { match: "TASK: Synthesise", json: { result: "synthesised", next_step: "ship it", selected: "" } },
      ],
    }),
  });
  codex = await makeCodexTestEnv({ baseUrl: server.url });
  home = mkdtempSync(join(tmpdir(), "baton-chaos-"));
});
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill("SIGKILL");
});
afterAll(async () => {
  await server.close();
  await codex.cleanup();
  rmSync(home, { recursive: true, force: true });
});

const env = () => ({ ...codex.env, BATON_HOME: home, BATON_CODEX_BIN: codex.codexBin });
function runCli(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [MAIN, ...args], { env: env(), stdio: ["ignore", "pipe", "pipe"] });
    children.push(child);
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}
const requestsFor = (text: string) => server.requests.filter((r) => r.lastUserText.includes(text)).length;

describe("crash-proof runs (real codex, scripted model)", () => {
  it("SIGKILL mid-run with 4 busy workers: no worker survives, and resume finishes without repeating a completed turn", async () => {
    const angles = ["fast one", "fast two", "slow one", "slow two", "slow three", "slow four"];
    const child = spawn(
      process.execPath,
      [
        MAIN,
        "run",
        "Compare queue libraries",
        // A process per worker, so "busy workers" are processes to count (codex-app: its own crash tests).
        "--backend",
        "codex-exec",
        "--pattern",
        "research",
        "--lenses",
        angles.join(","),
        "--workers",
        "6",
        "--concurrency",
        "6",
        "--json",
      ],
      { env: env(), stdio: ["ignore", "pipe", "pipe"] },
    );
    children.push(child);
    // Wait until both fast workers have finished and the four slow ones are busy.
    let runId = "";
    const ready = await eventually(() => {
      const runs = join(home, "runs");
      if (!existsSync(runs)) return false;
      runId = readdirSync(runs)[0] ?? "";
      const file = join(runs, runId, "journal.jsonl");
      if (!runId || !existsSync(file)) return false;
      const entries = readJournal(file).entries;
      const ended = entries.filter((e) => e.type === "turn.ended").length;
      const started = entries.filter((e) => e.type === "turn.started").length;
      // …and busy for real: their requests reached the model.
      return ended === 2 && started === 6 && requestsFor("FOCUS: slow") === 4;
    }, 30_000);
    expect(ready).toBe(true);
    const owner = JSON.parse(readFileSync(join(home, "runs", runId, "owner.json"), "utf8")).ownerId as string;
    expect(taggedProcesses((t) => t.startsWith(`${owner}:`)).length).toBeGreaterThanOrEqual(4);

    child.kill("SIGKILL");
    expect(
      await eventually(() => taggedProcesses((t) => t.startsWith(`${owner}:`)).length === 0, 5_000),
    ).toBe(true);

    // Not spawnSync: the scripted model server lives in this process and must keep answering.
    const resumed = await runCli(["resume", runId, "--json"]);
    expect(resumed.status, resumed.stderr).toBe(0);
    const view = JSON.parse(resumed.stdout);
    expect(view.status).toBe("completed");
    expect(view.result.summary).toBe("synthesised");
    expect(view.agents.filter((a: { role: string }) => a.role === "research")).toHaveLength(6);
    // Completed turns were not sent again; the cut-off ones were.
    expect(requestsFor("FOCUS: fast one")).toBe(1);
    expect(requestsFor("FOCUS: fast two")).toBe(1);
    expect(requestsFor("FOCUS: slow one")).toBe(2);
    const journal = readJournal(join(home, "runs", runId, "journal.jsonl")).entries;
    expect(journal.filter((e) => e.type === "agent.replayed")).toHaveLength(2);
    expect(journal.at(-1)).toMatchObject({ type: "run.ended", status: "completed" });
  });

  it("a hung model ends timed_out at its deadline, not later", async () => {
    const pool = new Pool({
      backends: codexBackend({ codexPath: codex.codexBin, env: codex.env }),
      turnTimeoutMs: 2_000,
    });
    try {
      const started = Date.now();
      const id = pool.spawn({ message: "FOCUS: hung" });
      const r = await pool.wait([id], { timeoutMs: 20_000 });
      expect(r.endReasons[id]).toBe("timed_out");
      expect(Date.now() - started).toBeLessThan(4_000);
    } finally {
      await pool.shutdown();
    }
  });

  it("a burst of 429s on half the workers ends with every worker completed and the retries recorded", async () => {
    const view = await runTask({
      task: "Review x",
      pattern: "review",
      lenses: ["limited one", "limited two", "plain one", "plain two"],
      backends: codexBackend({ codexPath: codex.codexBin, env: codex.env }),
      home,
    });
    expect(view.status).toBe("completed");
    const journal = readJournal(join(view.dir, "journal.jsonl")).entries;
    const retries = journal.filter((e) => e.type === "turn.retry");
    expect(retries.length).toBe(4); // the rule answers 429 four times
    expect(view.agents.filter((a) => a.role === "reviewer").every((a) => a.endReason === "completed")).toBe(
      true,
    );
  });

  it("a budget smaller than the work stops the run with budget_exhausted and keeps the finished results", async () => {
    const view = await runTask({
      task: "Compare",
      pattern: "research",
      lenses: ["fast a", "fast b", "fast c"],
      concurrency: 1,
      maxTokens: 1,
      backends: codexBackend({ codexPath: codex.codexBin, env: codex.env }),
      home,
    });
    expect(view.status).toBe("partial");
    const research = view.agents.filter((a) => a.role === "research");
    expect(research[0]!.endReason).toBe("completed");
    expect(research.slice(1).map((a) => a.endReason)).toEqual(["budget_exhausted", "budget_exhausted"]);
    expect(view.result!.warnings.join(" ")).toMatch(/token budget of 1 was used up/);
    expect(view.result!.failedWorkers.map((w) => w.endReason)).toContain("budget_exhausted");
  });
});
