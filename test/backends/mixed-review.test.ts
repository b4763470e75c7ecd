/**
 * One run, two kinds of worker: a triangulated review whose "correctness" lens runs on the real codex
 * CLI and whose "risks" lens runs on the real claude CLI, both answered by the scripted model of
 * examples/rehearsal.yaml (codex through the Responses API, claude through the Messages API).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { claudeBackend } from "../../src/backends/claude/backend.ts";
import { codexBackend } from "../../src/backends/codex/backend.ts";
import { loadScript } from "../../src/model-server/script.ts";
import { type ModelServer, startModelServer } from "../../src/model-server/server.ts";
import { DEFAULT_REHEARSAL_SCRIPT } from "../../src/rehearsal/rehearsal.ts";
import { runTask } from "../../src/run/run.ts";
import { readJournal } from "../../src/store/journal.ts";
import { type CodexTestEnv, makeCodexTestEnv } from "../helpers/codex-home.ts";
import { type ClaudeTestEnv, makeClaudeTestEnv } from "./claude-env.ts";

let server: ModelServer;
let codex: CodexTestEnv;
let claude: ClaudeTestEnv;
let home: string;
let cwd: string;

beforeAll(async () => {
  server = await startModelServer({ script: await loadScript(DEFAULT_REHEARSAL_SCRIPT), idleTimeoutMs: 0 });
  codex = await makeCodexTestEnv({ baseUrl: server.url });
  claude = await makeClaudeTestEnv({ origin: server.origin });
  home = mkdtempSync(join(tmpdir(), "baton-home-"));
  cwd = mkdtempSync(join(tmpdir(), "baton-cwd-"));
});
afterAll(async () => {
  await server?.close();
  await Promise.all([codex?.cleanup(), claude?.cleanup()]);
  rmSync(home, { recursive: true, force: true });
  rmSync(cwd, { recursive: true, force: true });
});

it("a review with one codex lens and one claude lens produces one merged result", async () => {
  const view = await runTask({
    task: "Review src/core/pool.ts",
    pattern: "review",
    lenses: ["correctness and completeness", "risks and failure modes"],
    backends: {
      codex: codexBackend({ codexPath: codex.codexBin, env: codex.env }),
      claude: claudeBackend({ claudePath: claude.claudeBin, env: claude.env }),
    },
    backendFor: (role, label) => (role === "reviewer" && label.startsWith("risks") ? "claude" : undefined),
    home,
    cwd,
    timeoutMs: 60_000,
  });
  expect(view.status, view.error?.message).toBe("completed");

  const journal = readJournal(join(view.dir, "journal.jsonl"));
  const spawned = journal.entries.flatMap((e) => (e.type === "agent.spawned" ? [e] : []));
  const backendOf = (label: string) => spawned.find((e) => e.label === label)?.backend;
  expect(backendOf("correctness and completeness")).toBe("codex");
  expect(backendOf("risks and failure modes")).toBe("claude");
  expect(spawned.find((e) => e.role === "synthesis")?.backend).toBe("codex");

  // Both lenses reported the unbounded wait (high from codex's lens, critical from claude's): merged once.
  const result = view.result!;
  const waits = result.findings.filter((f) => /wait\(\).*block forever/i.test(f.title));
  expect(waits).toHaveLength(1);
  expect(waits[0]!.severity).toBe("critical");
  expect(waits[0]!.reportedBy.sort()).toEqual(["correctness and completeness", "risks and failure modes"]);
  expect(result.findings.map((f) => f.severity)).toEqual(["critical", "medium"]);
  expect(result.summary).toMatch(/REHEARSAL/);
  expect(result.nextStep).toMatch(/timeout/);
  // Usage came back from both kinds of worker.
  for (const agent of view.agents.filter((a) => a.role === "reviewer"))
    expect(agent.usage.outputTokens).toBeGreaterThan(0);
});
