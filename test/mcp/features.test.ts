import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  CallToolResultSchema,
  CreateTaskResultSchema,
  ResourceUpdatedNotificationSchema,
} from "@modelcontextprotocol/sdk/types.js";
import { describe, expect, it } from "vitest";
import { readJournal } from "../../src/store/journal.ts";
import { eventually } from "../helpers/processes.ts";
import { sessions } from "./helpers.ts";

const MAIN = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));
const { open, tempDir } = sessions();

describe("Codex-compatible semantics", () => {
  it("wait_agent returns at the first finisher with only finished agents; wait keeps mode all", async () => {
    const s = await open();
    await s.call("spawn_agent", { message: "sleep:100" });
    await s.call("spawn_agent", { message: "hang" });
    const first = await s.call("wait_agent", { targets: ["agent-1", "agent-2"], timeout_ms: 20_000 });
    expect(first.structured).toMatchObject({
      timed_out: false,
      end_reasons: { "agent-1": "completed" },
      status: { "agent-1": { completed: "reply to: sleep:100" } },
    });
    expect(Object.keys(first.structured!.status as object)).toEqual(["agent-1"]);
    const all = await s.call("wait", { ids: ["agent-1", "agent-2"], timeout_ms: 200 });
    expect(all.structured).toMatchObject({ timed_out: true, status: { "agent-2": { running: null } } });
  });

  it("wait_agent with nothing finished says timed_out with an empty status, at its 10 s floor within --wait-max", async () => {
    const s = await open({ waitMaxMs: 300 });
    await s.call("spawn_agent", { message: "hang" });
    const result = await s.call("wait_agent", { targets: ["agent-1"], timeout_ms: 1 });
    expect(result.structured).toMatchObject({
      timed_out: true,
      status: {},
      timeout_ms: 300,
      timeout_clamped: true,
    });
  });

  it("interrupt_agent stops the turn without a new message; end_reason is null while a turn runs", async () => {
    const s = await open();
    await s.call("spawn_agent", { message: "hang" });
    await s.mcp.pool.wait(["agent-1"], { timeoutMs: 100 });
    const running = (await s.call("list_agents")).structured!.agents as Record<string, unknown>[];
    expect(running[0]).toMatchObject({ status: "running", end_reason: null, submission_id: "agent-1:1" });
    const interrupted = await s.call("interrupt_agent", { target: "agent-1" });
    expect(interrupted.structured).toEqual({ previous_status: "running" });
    const waited = await s.call("wait", { ids: ["agent-1"], timeout_ms: 10_000 });
    expect(waited.structured).toMatchObject({ timed_out: false, end_reasons: { "agent-1": "cancelled" } });
    expect(s.requests).toHaveLength(1);
  });

  it("a queued and an interrupting message are separate turns, each named by its submission_id", async () => {
    const s = await open();
    await s.call("spawn_agent", { message: "hang" });
    await s.mcp.pool.wait(["agent-1"], { timeoutMs: 100 });
    const queued = await s.call("send_input", { id: "agent-1", message: "queued" });
    const urgent = await s.call("send_input", { id: "agent-1", message: "urgent", interrupt: true });
    expect(queued.structured).toEqual({ submission_id: "agent-1:2" });
    expect(urgent.structured).toEqual({ submission_id: "agent-1:3" });
    // Each message runs as a turn of its own; the interrupting one first.
    for (let i = 0; i < 50 && s.mcp.pool.get("agent-1")!.turns.length < 3; i++) {
      await s.mcp.pool.wait(["agent-1"], { timeoutMs: 10_000 });
    }
    const turns = s.mcp.pool.get("agent-1")!.turns;
    expect(turns.map((t) => [t.submissionId, t.prompt])).toEqual([
      ["agent-1:1", "hang"],
      ["agent-1:3", "urgent"],
      ["agent-1:2", "queued"],
    ]);
    expect(turns.map((t) => t.endReason)).toEqual(["interrupted", "completed", "completed"]);
  });

  it("reasoning_effort reaches the worker's turn request", async () => {
    const s = await open();
    await s.call("spawn_agent", { message: "noop", reasoning_effort: "high" });
    await s.call("wait", { ids: ["agent-1"], timeout_ms: 10_000 });
    expect(s.requests[0]).toMatchObject({ reasoningEffort: "high" });
    const bad = await s.call("spawn_agent", { message: "noop", reasoning_effort: "HIGH; rm" });
    expect(bad.text).toContain("reasoning_effort must be a level name");
  });
});

describe("limits a client cannot pass", () => {
  it("--max-sandbox caps what a client may ask for, with an error naming the cap", async () => {
    const s = await open({ maxSandbox: "read-only" });
    const asked = await s.call("spawn_agent", { message: "noop", sandbox: "workspace-write" });
    expect(asked.isError).toBe(true);
    expect(asked.text).toContain(
      'sandbox "workspace-write" is more than this server allows (--max-sandbox read-only)',
    );
    const role = await s.call("spawn_agent", { message: "noop", agent_type: "worker" });
    expect(role.text).toContain('(of agent_type "worker")');
    expect((await s.call("spawn_agent", { message: "noop" })).isError).toBeFalsy();
  });

  it("the default cap is workspace-write: danger-full-access is refused", async () => {
    const s = await open();
    const result = await s.call("spawn_agent", { message: "noop", sandbox: "danger-full-access" });
    expect(result.text).toContain("--max-sandbox workspace-write");
    expect(s.requests).toHaveLength(0);
  });
});

describe("results a client can read", () => {
  it("cuts a long final message at --max-inline; the whole text is a resource, also once closed", async () => {
    const s = await open({ maxInlineBytes: 1_024 });
    const long = `noop ${"é".repeat(3_000)}`;
    await s.call("spawn_agent", { message: long });
    const waited = await s.call("wait", { ids: ["agent-1"], timeout_ms: 10_000 });
    const inline = (waited.structured!.status as Record<string, { completed: string }>)["agent-1"]!.completed;
    expect(Buffer.byteLength(inline)).toBeLessThanOrEqual(1_024);
    expect(inline.endsWith("\uFFFD")).toBe(false);
    const whole = `reply to: ${long}`;
    expect(waited.structured!.truncated).toEqual({
      "agent-1": {
        bytes: Buffer.byteLength(whole),
        inline_bytes: Buffer.byteLength(inline),
        uri: "baton://agents/agent-1/final",
      },
    });
    const read = await s.client.readResource({ uri: "baton://agents/agent-1/final" });
    expect(read.contents[0]).toMatchObject({ text: whole });

    await s.call("close_agent", { id: "agent-1" });
    // Closed: forgotten by the pool, read back from the record on disk.
    expect(s.mcp.pool.get("agent-1")).toBeUndefined();
    expect((await s.client.readResource({ uri: "baton://agents/agent-1/final" })).contents[0]).toMatchObject({
      text: whole,
    });
    const after = await s.call("wait", { ids: ["agent-1"] });
    expect(after.structured).toMatchObject({ timed_out: false, end_reasons: { "agent-1": "completed" } });
    expect((after.structured!.status as Record<string, { shutdown: string }>)["agent-1"]!.shutdown).toBe(
      inline,
    );
    const again = await s.call("send_input", { id: "agent-1", message: "more" });
    expect(again.text).toContain("was closed");
  });

  it("says how long it waited and whether the timeout was clamped", async () => {
    const s = await open({ waitMaxMs: 200 });
    await s.call("spawn_agent", { message: "hang" });
    const result = await s.call("wait", { ids: ["agent-1"], timeout_ms: 120_000 });
    expect(result.structured).toMatchObject({ timed_out: true, timeout_ms: 200, timeout_clamped: true });
    expect(result.structured!.waited_ms as number).toBeGreaterThanOrEqual(190);
  });

  it("list_agents is paginated", async () => {
    const s = await open({ concurrency: 1 });
    for (let i = 0; i < 5; i++) await s.call("spawn_agent", { message: "hang" });
    const first = await s.call("list_agents", { limit: 2 });
    expect(first.structured).toMatchObject({ total: 5, next_cursor: "2" });
    expect((first.structured!.agents as { agent_id: string }[]).map((a) => a.agent_id)).toEqual([
      "agent-1",
      "agent-2",
    ]);
    const last = await s.call("list_agents", { cursor: "4" });
    expect(last.structured).toMatchObject({
      next_cursor: null,
      agents: [{ agent_id: "agent-5", status: "pending_init" }],
    });
  });
});

describe("agents as resources", () => {
  it("lists agents, reads one as JSON and tells a subscriber when it finishes", async () => {
    const s = await open();
    const updates: string[] = [];
    s.client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => {
      updates.push(n.params.uri);
    });
    await s.call("spawn_agent", { message: "sleep:300", label: "slow" });
    await s.client.subscribeResource({ uri: "baton://agents/agent-1" });
    const { resources } = await s.client.listResources();
    expect(resources).toEqual([
      { uri: "baton://agents/agent-1", name: "agent-1", title: "slow", mimeType: "application/json" },
    ]);
    await s.call("wait", { ids: ["agent-1"], timeout_ms: 10_000 });
    expect(await eventually(() => updates.length > 0, 2_000)).toBe(true);
    expect(updates).toEqual(["baton://agents/agent-1"]);
    const read = await s.client.readResource({ uri: "baton://agents/agent-1" });
    expect(JSON.parse((read.contents[0] as { text: string }).text)).toMatchObject({
      agent_id: "agent-1",
      status: "completed",
    });
    await expect(s.client.readResource({ uri: "baton://agents/agent-9" })).rejects.toThrow(
      /no resource baton:\/\/agents\/agent-9/,
    );
  });
});

describe("roles", () => {
  it("list_roles shows built-ins and Codex custom agents; explorer is a read-only built-in", async () => {
    const project = tempDir();
    mkdirSync(join(project, ".codex", "agents"), { recursive: true });
    writeFileSync(
      join(project, ".codex", "agents", "reviewer.toml"),
      'description = "reviews"\nmodel_reasoning_effort = "low"\n',
    );
    writeFileSync(join(project, ".codex", "agents", "broken.toml"), "name = ");
    const s = await open({ cwd: project, codexHome: tempDir() });
    const { structured } = await s.call("list_roles");
    const roles = structured!.roles as { name: string; source: string; sandbox: string | null }[];
    expect(roles.map((r) => [r.name, r.source])).toEqual([
      ["default", "builtin"],
      ["explorer", "builtin"],
      ["worker", "builtin"],
      ["reviewer", "codex-project"],
    ]);
    expect(structured!.problems).toEqual([expect.stringContaining("broken.toml is not valid TOML")]);
    const { tools } = await s.client.listTools();
    expect(tools.find((t) => t.name === "spawn_agent")!.description).toContain(
      "default, explorer, worker, reviewer",
    );

    await s.call("spawn_agent", { message: "noop", agent_type: "explorer" });
    await s.call("spawn_agent", { message: "noop", agent_type: "reviewer" });
    await s.call("wait", { ids: ["agent-1", "agent-2"], timeout_ms: 10_000 });
    const byAgent = Object.fromEntries(s.requests.map((r) => [r.agentId, r]));
    expect(byAgent["agent-1"]).toMatchObject({
      sandbox: "read-only",
      instructions: expect.stringContaining("explorer"),
    });
    expect(byAgent["agent-2"]).toMatchObject({ reasoningEffort: "low" });
  });

  it("with the claude backend, .claude/agents/*.md subagents are roles (body = instructions)", async () => {
    const project = tempDir();
    mkdirSync(join(project, ".claude", "agents"), { recursive: true });
    writeFileSync(
      join(project, ".claude", "agents", "security.md"),
      "---\nname: security-reviewer\ndescription: Finds security bugs\nmodel: inherit\ntools: Read, Grep\n---\nYou review for injection.\n",
    );
    const s = await open({
      cwd: project,
      codexHome: tempDir(),
      claudeHome: tempDir(),
      backendName: "claude",
    });
    const roles = (await s.call("list_roles")).structured!.roles as {
      name: string;
      source: string;
      description: string;
    }[];
    expect(roles.at(-1)).toMatchObject({
      name: "security-reviewer",
      source: "claude-project",
      description: "Finds security bugs",
    });
    await s.call("spawn_agent", { message: "noop", agent_type: "security-reviewer" });
    await s.call("wait", { ids: ["agent-1"], timeout_ms: 10_000 });
    expect(s.requests[0]).toMatchObject({ instructions: "You review for injection.", model: undefined });
  });
});

describe("the session is a run", () => {
  it("records agents in <home>/runs/<id>/ like baton run: journal, prompts, final messages, run.json", async () => {
    const home = tempDir();
    const s = await open({ home });
    await s.call("spawn_agent", { message: "noop", label: "one" });
    await s.call("wait", { ids: ["agent-1"], timeout_ms: 10_000 });
    await s.call("close_agent", { id: "agent-1" });
    const dir = s.mcp.record.recorder.dir;
    await s.close();
    const journal = readJournal(join(dir, "journal.jsonl")).entries.map((e) => e.type);
    expect(journal).toEqual([
      "run.started",
      "agent.spawned",
      "turn.started",
      "turn.ended",
      "agent.closed",
      "run.ended",
    ]);
    const view = JSON.parse(readFileSync(join(dir, "run.json"), "utf8"));
    expect(view).toMatchObject({
      pattern: "mcp",
      status: "completed",
      agents: [{ id: "agent-1", label: "one", status: "shutdown" }],
    });
    expect(view.task).toContain("test 0.0.0");
    expect(readFileSync(join(dir, "agents", "agent-1", "final.md"), "utf8")).toBe("reply to: noop");
    expect(existsSync(join(dir, "report.md"))).toBe(true);
    // baton status reads it like any run.
    const status = spawnSync(process.execPath, [MAIN, "status", "--json"], {
      encoding: "utf8",
      env: { ...process.env, BATON_HOME: home },
    });
    expect(status.status, status.stderr).toBe(0);
    expect(JSON.parse(status.stdout)).toMatchObject([{ pattern: "mcp", status: "completed" }]);
  });
});

describe("MCP tasks", () => {
  it("a task-augmented wait returns a task at once; tasks/get, tasks/result and tasks/list follow it", async () => {
    const s = await open();
    await s.call("spawn_agent", { message: "sleep:300" });
    const created = await s.client.request(
      {
        method: "tools/call",
        params: { name: "wait", arguments: { ids: ["agent-1"], timeout_ms: 10_000 }, task: { ttl: 60_000 } },
      },
      CreateTaskResultSchema,
    );
    expect(created.task).toMatchObject({ status: "working", ttl: 60_000, pollInterval: 1_000 });
    const result = await s.client.experimental.tasks.getTaskResult(created.task.taskId, CallToolResultSchema);
    expect(result.structuredContent).toMatchObject({
      timed_out: false,
      end_reasons: { "agent-1": "completed" },
    });
    expect(await s.client.experimental.tasks.getTask(created.task.taskId)).toMatchObject({
      status: "completed",
    });
    const { tasks } = await s.client.experimental.tasks.listTasks();
    expect(tasks.map((t) => t.taskId)).toEqual([created.task.taskId]);
  });

  it("cancelling a wait's task ends the wait, not the agent", async () => {
    const s = await open();
    await s.call("spawn_agent", { message: "hang" });
    const created = await s.client.request(
      {
        method: "tools/call",
        params: { name: "wait", arguments: { ids: ["agent-1"], timeout_ms: 30_000 }, task: {} },
      },
      CreateTaskResultSchema,
    );
    const cancelled = await s.client.experimental.tasks.cancelTask(created.task.taskId);
    expect(cancelled).toMatchObject({ status: "cancelled" });
    expect(s.mcp.tasks.signal(created.task.taskId).aborted).toBe(true);
    expect(s.mcp.pool.get("agent-1")!.status).toMatch(/running|pending_init/);
    // A tool that never blocks does not take tasks.
    await expect(
      s.client.request(
        { method: "tools/call", params: { name: "list_agents", arguments: {}, task: {} } },
        CreateTaskResultSchema,
      ),
    ).rejects.toThrow(/does not run as a task/);
  });
});
