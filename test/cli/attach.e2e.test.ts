import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { codexBackend } from "../../src/backends/codex/backend.ts";
import { type ModelServer, parseModelScript, startModelServer } from "../../src/model-server/index.ts";
import { turnInProgress } from "../../src/run/attach.ts";
import { runTask } from "../../src/run/run.ts";
import { readJournal } from "../../src/store/journal.ts";
import { type CodexTestEnv, makeCodexTestEnv } from "../helpers/codex-home.ts";
import { eventually } from "../helpers/processes.ts";
import { runToExit } from "../setup/helpers.ts";

// A real run whose codex workers hang on the scripted model: `baton attach` refuses while agent-1 runs,
// and with --stop stops its turn and hands its thread to `codex resume` in the agent's directory.
const MAIN = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));
const root = mkdtempSync(join(tmpdir(), "baton-attach-"));
let server: ModelServer | undefined;
let t: CodexTestEnv | undefined;
afterAll(async () => {
  await server?.close();
  await t?.cleanup();
  rmSync(root, { recursive: true, force: true });
});

/** A stand-in for the user's codex: records how it was started, exits 7. */
function fakeCodex(): { bin: string; out: string } {
  const bin = join(root, "codex");
  const out = join(root, "attached.json");
  writeFileSync(
    bin,
    `#!${process.execPath}\nrequire("fs").writeFileSync(${JSON.stringify(out)}, JSON.stringify({ args: process.argv.slice(2), cwd: process.cwd(), tag: process.env.BATON_WORKER }));\nprocess.exit(7);\n`,
  );
  chmodSync(bin, 0o755);
  return { bin, out };
}

/** Asynchronous: this process owns the run, and its pool must keep running while attach works. */
const attach = (args: string[], env: NodeJS.ProcessEnv) =>
  runToExit(process.execPath, [MAIN, "attach", ...args], { cwd: root, env, timeoutMs: 60_000 });

describe("baton attach", () => {
  it("refuses a running agent; --stop stops its turn and runs `codex resume <thread>` in its directory", async () => {
    server = await startModelServer({ script: parseModelScript({ default: { hang: true } }), port: 0 });
    t = await makeCodexTestEnv({ baseUrl: server.url });
    const home = join(root, ".baton");
    const cwd = mkdtempSync(join(root, "project-"));
    const controller = new AbortController();
    let runId = "";
    const run = runTask(
      {
        task: "Review notes.md",
        pattern: "review",
        backends: codexBackend({ codexPath: t.codexBin, env: t.env }),
        home,
        cwd,
        timeoutMs: 120_000,
        signal: controller.signal,
      },
      { onStart: (view) => (runId = view.runId) },
    );
    const events = () => join(home, "runs", runId, "agents", "agent-1", "events.jsonl");
    const threadOf = () =>
      existsSync(events())
        ? /"thread.started","threadId":"([^"]+)"/.exec(readFileSync(events(), "utf8"))?.[1]
        : undefined;
    const journal = () => readFileSync(join(home, "runs", runId, "journal.jsonl"), "utf8");
    const agentRunning = () =>
      turnInProgress(readJournal(join(home, "runs", runId, "journal.jsonl")).entries, "agent-1").running;
    expect(await eventually(() => runId !== "" && threadOf() !== undefined && agentRunning(), 60_000)).toBe(
      true,
    );

    const fake = fakeCodex();
    const env = { ...t.env, BATON_HOME: home, BATON_CODEX_BIN: fake.bin };
    const busy = await attach([runId, "agent-1"], env);
    expect(busy.code).not.toBe(0);
    expect(busy.stderr).toMatch(/agent-1 is still running .*--stop/);
    expect(existsSync(fake.out)).toBe(false);

    const printed = await attach([runId, "agent-1", "--print", "--json"], env);
    expect(printed.stderr).toMatch(/agent-1 is still running/);
    const missing = await attach([runId, "agent-9"], env);
    expect(missing.stderr).toMatch(/has no agent "agent-9"; its agents: agent-1, agent-2, agent-3/);

    const stopped = await attach([runId, "agent-1", "--stop"], env);
    expect(stopped.code, stopped.stderr).toBe(7);
    // Started by the CLI's supervisor: tagged as the attach of agent-1 (killed with baton, swept on exit).
    expect(JSON.parse(readFileSync(fake.out, "utf8"))).toEqual({
      args: ["resume", threadOf()],
      cwd,
      tag: expect.stringMatching(/^\d+\.\d+:[0-9a-f]+\.\d+:attach:agent-1$/),
    });
    expect(agentRunning()).toBe(false);
    expect(journal()).toMatch(/"type":"turn.ended","agentId":"agent-1"/);

    controller.abort();
    await run;
  }, 180_000);
});
