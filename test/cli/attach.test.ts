import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { planAttach } from "../../src/run/attach.ts";
import { writeJsonAtomic } from "../../src/store/atomic.ts";
import { Journal } from "../../src/store/journal.ts";
import { runDir } from "../../src/store/paths.ts";

const root = mkdtempSync(join(tmpdir(), "baton-attach-plan-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A finished run record with one agent on `backend`, its thread id in its events. */
function record(runId: string, backend: string, options: { rehearse?: boolean; thread?: boolean } = {}) {
  const dir = runDir(runId, root);
  mkdirSync(join(dir, "agents", "agent-1"), { recursive: true });
  const journal = new Journal(join(dir, "journal.jsonl"));
  journal.append({
    type: "run.started",
    runId,
    task: "t",
    pattern: "review",
    cwd: "/run-cwd",
    options: options.rehearse ? { launch: { rehearse: true } } : {},
  });
  journal.append({
    type: "agent.spawned",
    agentId: "agent-1",
    label: "x",
    role: "reviewer",
    backend,
    cwd: join(root, "wt"),
  });
  journal.append({ type: "turn.started", agentId: "agent-1", turn: 1, pid: 1 });
  if (options.thread !== false)
    writeFileSync(
      join(dir, "agents", "agent-1", "events.jsonl"),
      '{"turn":1,"type":"thread.started","threadId":"sess-42"}\n',
    );
  journal.append({
    type: "turn.ended",
    agentId: "agent-1",
    turn: 1,
    status: "completed",
    endReason: "completed",
    usage: { inputTokens: 1, cachedInputTokens: 0, outputTokens: 1, reasoningTokens: 0 },
  });
  writeJsonAtomic(join(dir, "run.json"), {
    runId,
    dir,
    task: "t",
    status: "completed",
    pattern: "review",
    agents: [],
    startedAt: 0,
  });
}

describe("planAttach", () => {
  it("codex-app agents resume their thread with `codex resume`, and name no process of their own to stop", () => {
    record("r-app", "codex-app");
    const plan = planAttach("r-app", "agent-1", { home: root });
    expect(plan).toMatchObject({ backend: "codex", threadId: "sess-42", sharedServer: true });
    expect(plan.pid).toBeUndefined();
    expect(plan.args).toEqual(["resume", "sess-42"]);
  });

  it("claude agents resume their session with `claude --resume` in the agent's own directory", () => {
    record("r-claude", "claude");
    const plan = planAttach("r-claude", "agent-1", { home: root });
    expect(plan).toMatchObject({
      backend: "claude",
      threadId: "sess-42",
      cwd: join(root, "wt"),
      running: false,
    });
    expect(plan.args).toEqual(["--resume", "sess-42"]);
    expect(plan.file).toMatch(/claude$/);
  });

  it("refuses rehearsals, command-backend agents and agents without a thread, saying why", () => {
    record("r-rehearsal", "codex", { rehearse: true });
    expect(() => planAttach("r-rehearsal", "agent-1", { home: root })).toThrow(/was a rehearsal/);
    record("r-command", "command");
    expect(() => planAttach("r-command", "agent-1", { home: root })).toThrow(
      /command backend, which has no conversation/,
    );
    record("r-none", "codex", { thread: false });
    expect(() => planAttach("r-none", "agent-1", { home: root })).toThrow(/has no thread id in its record/);
  });
});
