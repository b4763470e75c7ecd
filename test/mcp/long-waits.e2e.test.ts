import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import type { CallToolResult, JSONRPCMessage } from "@modelcontextprotocol/sdk/types.js";
import { afterAll, describe, expect, it } from "vitest";
import { listPids, readEnvVar, taggedProcesses } from "../../src/core/process/procfs.ts";
import { parseModelScript, startModelServer } from "../../src/model-server/index.ts";
import { makeClaudeTestEnv } from "../backends/claude-env.ts";
import { makeCodexTestEnv } from "../helpers/codex-home.ts";
import { eventually } from "../helpers/processes.ts";
import { runClaudeParent } from "./claude-parent.ts";
import { runParent } from "./codex-parent.ts";
import { expectMatchesOutput } from "./helpers.ts";
import { FAKE_CODEX, FAKE_CODEX_BACKEND } from "./raw-server.ts";

// Waits longer than the 60 s every MCP client gives a request by default. The agents are the fake
// worker (the agent is not under test), and the tests run at the same time: the file takes about as
// long as its longest test (~2 min), not the sum.
const MAIN = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));
const NS = "mcp__baton";
const LONG = 200_000;
/** What the scripted parent model does: spawn a 70 s agent, wait for it in one call, close it. */
const LIFECYCLE = [
  { toolCall: { name: "spawn_agent", namespace: NS, arguments: { message: "sleep:70000" } } },
  { toolCall: { name: "wait", namespace: NS, arguments: { ids: ["agent-1"], timeout_ms: 120_000 } } },
  { toolCall: { name: "close_agent", namespace: NS, arguments: { id: "agent-1" } } },
  { reply: "parent done" },
];

const cleanups: Array<() => Promise<void> | void> = [];
afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function stateDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "baton-mcp-long-"));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

function workerEnv(state: string): Record<string, string> {
  return { BATON_CODEX_BIN: FAKE_CODEX, FAKE_STATE_DIR: state, BATON_HOME: join(state, "baton") };
}

/** `baton mcp` over stdio to the official SDK client; `sent` lists the methods the client requested. */
async function sdkSession(args: string[]) {
  const state = stateDir();
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [MAIN, "mcp", ...FAKE_CODEX_BACKEND, ...args],
    env: { ...(process.env as Record<string, string>), ...workerEnv(state) },
    stderr: "pipe",
  });
  const sent: string[] = [];
  const send = transport.send.bind(transport);
  transport.send = (message: JSONRPCMessage) => {
    if ("method" in message) sent.push(message.method);
    return send(message);
  };
  const client = new Client({ name: "long-waits", version: "0.0.0" });
  await client.connect(transport);
  await client.listTools(); // from here on the client checks results against each tool's outputSchema
  const pid = transport.pid!;
  cleanups.push(async () => {
    await client.close();
    expect(
      await eventually(() => taggedProcesses((tag) => tag.startsWith(`${pid}.`)).length === 0, 10_000),
    ).toBe(true);
  });
  const spawn = async (message: string) => {
    const result = (await client.callTool({ name: "spawn_agent", arguments: { message } })) as CallToolResult;
    expectMatchesOutput("spawn_agent", result.structuredContent);
    return result.structuredContent!.agent_id as string;
  };
  return { client, sent, spawn };
}

const structured = (result: unknown) =>
  (result as CallToolResult).structuredContent as Record<string, unknown>;

describe.concurrent("waits past the clients' 60 s request timeout", () => {
  it(
    "SDK client, MCP tasks: a task-augmented wait on a 90 s agent completes, one tools/call, default timeouts",
    async () => {
      const s = await sdkSession(["--wait-max", "2m"]);
      const id = await s.spawn("sleep:90000");
      const started = Date.now();
      let result: CallToolResult | undefined;
      let taskId: string | undefined;
      for await (const message of s.client.experimental.tasks.callToolStream({
        name: "wait",
        arguments: { ids: [id], timeout_ms: 120_000 },
      })) {
        if (message.type === "taskCreated") taskId = message.task.taskId;
        if (message.type === "error") throw message.error;
        if (message.type === "result") result = message.result as CallToolResult;
      }
      const elapsed = Date.now() - started;
      expect(elapsed).toBeGreaterThan(85_000);
      expect(taskId).toBeDefined();
      expectMatchesOutput("wait", result!.structuredContent);
      expect(result!.structuredContent).toMatchObject({
        timed_out: false,
        end_reasons: { [id]: "completed" },
        status: { [id]: { completed: "reply to: sleep:90000" } },
      });
      // The model made one call; the client polled the task meanwhile and fetched the result once.
      expect(s.sent.filter((m) => m === "tools/call")).toHaveLength(2); // spawn_agent + wait
      expect(s.sent.filter((m) => m === "tasks/get").length).toBeGreaterThan(10);
      expect(s.sent.filter((m) => m === "tasks/result")).toHaveLength(1);
      const { tasks } = await s.client.experimental.tasks.listTasks();
      expect(tasks).toEqual([expect.objectContaining({ taskId, status: "completed" })]);
      console.log(
        `task-augmented wait: ${elapsed} ms, ${s.sent.filter((m) => m === "tasks/get").length} tasks/get`,
      );
    },
    LONG,
  );

  it(
    "SDK client, progress: a wait with a progress token completes after 90 s with resetTimeoutOnProgress",
    async () => {
      const s = await sdkSession(["--wait-max", "2m"]);
      const id = await s.spawn("sleep:90000");
      const progress: number[] = [];
      const started = Date.now();
      const result = await s.client.callTool(
        { name: "wait", arguments: { ids: [id], timeout_ms: 120_000 } },
        undefined,
        { onprogress: (p) => progress.push(p.progress), resetTimeoutOnProgress: true },
      );
      const elapsed = Date.now() - started;
      expect(elapsed).toBeGreaterThan(85_000);
      expectMatchesOutput("wait", result.structuredContent);
      expect(structured(result)).toMatchObject({ timed_out: false, end_reasons: { [id]: "completed" } });
      // At least every 10 s, always increasing.
      expect(progress.length).toBeGreaterThanOrEqual(Math.floor(elapsed / 10_000));
      expect(progress).toEqual([...progress].sort((a, b) => a - b));
      console.log(`progress wait: ${elapsed} ms, ${progress.length} progress notifications`);
    },
    LONG,
  );

  it(
    "SDK client, control: without progress the same wait fails at the SDK's 60 s default",
    async () => {
      const s = await sdkSession(["--wait-max", "2m"]);
      const id = await s.spawn("sleep:90000");
      const started = Date.now();
      await expect(
        s.client.callTool({ name: "wait", arguments: { ids: [id], timeout_ms: 120_000 } }),
      ).rejects.toThrow(/timed out/i);
      expect(Date.now() - started).toBeLessThan(75_000);
    },
    LONG,
  );

  it(
    "--wait-max 2m is honoured: an hour asked for is clamped to 120 s, and the wait returns then",
    async () => {
      const s = await sdkSession(["--wait-max", "2m"]);
      const id = await s.spawn("hang");
      const result = await s.client.callTool(
        { name: "wait", arguments: { ids: [id], timeout_ms: 3_600_000 } },
        undefined,
        { onprogress: () => {}, resetTimeoutOnProgress: true },
      );
      expectMatchesOutput("wait", result.structuredContent);
      const r = structured(result);
      expect(r).toMatchObject({
        timed_out: true,
        timeout_ms: 120_000,
        timeout_clamped: true,
        status: { [id]: { running: null } },
      });
      expect(r.waited_ms as number).toBeGreaterThanOrEqual(119_000);
      expect(r.waited_ms as number).toBeLessThan(130_000);
    },
    LONG,
  );

  it(
    "real codex as the client (tool_timeout_sec raised): spawn → a 70 s wait → close",
    async () => {
      const script = parseModelScript({
        rules: [
          {
            match: "LONG-PARENT",
            steps: [...LIFECYCLE],
          },
        ],
      });
      const server = await startModelServer({ script, port: 0 });
      const env = await makeCodexTestEnv({ baseUrl: server.url });
      cleanups.push(
        () => env.cleanup(),
        () => server.close(),
      );
      const state = stateDir();
      const run = await runParent("LONG-PARENT: use baton", env, {
        batonArgs: [...FAKE_CODEX_BACKEND, "--wait-max", "2m"],
        config: ["mcp_servers.baton.tool_timeout_sec=150"],
        env: { BATON_CODEX_BIN: FAKE_CODEX, FAKE_STATE_DIR: state },
      });
      expect(run.exitCode, run.stderr).toBe(0);
      expect(run.mcpCalls.map((c) => [c.tool, c.status])).toEqual([
        ["spawn_agent", "completed"],
        ["wait", "completed"],
        ["close_agent", "completed"],
      ]);
      const waited = run.mcpCalls[1]!.result!.structured_content!;
      expectMatchesOutput("wait", waited);
      expect(waited).toMatchObject({
        timed_out: false,
        status: { "agent-1": { completed: "reply to: sleep:70000" } },
      });
      expect(waited.waited_ms as number).toBeGreaterThan(65_000);
      expect(run.finalMessage).toBe("parent done");
      const left = () =>
        listPids().filter((pid) => pid !== process.pid && readEnvVar(pid, "CODEX_HOME") === env.codexHome);
      expect(await eventually(() => left().length === 0, 10_000)).toBe(true);
    },
    LONG,
  );

  it(
    "real Claude Code as the client (MCP_TOOL_TIMEOUT raised): ToolSearch → spawn → a 70 s wait → close",
    async () => {
      const script = parseModelScript({
        rules: [
          {
            match: "LONG-PARENT",
            steps: [
              // Claude Code defers MCP tools: the model loads them by name first.
              {
                toolCall: {
                  name: "ToolSearch",
                  arguments: { query: `select:${NS}__spawn_agent,${NS}__wait,${NS}__close_agent` },
                },
              },
              ...LIFECYCLE,
            ],
          },
        ],
      });
      const server = await startModelServer({ script, port: 0 });
      const t = await makeClaudeTestEnv({ origin: server.origin });
      cleanups.push(
        () => t.cleanup(),
        () => server.close(),
      );
      const state = stateDir();
      const run = await runClaudeParent("LONG-PARENT: use baton", t, {
        batonArgs: [...FAKE_CODEX_BACKEND, "--wait-max", "2m"],
        serverEnv: workerEnv(state),
        env: { MCP_TOOL_TIMEOUT: "150000" },
      });
      expect(run.exitCode, run.stderr).toBe(0);
      expect(run.calls.map((c) => [c.tool, c.isError])).toEqual([
        ["ToolSearch", false],
        [`${NS}__spawn_agent`, false],
        [`${NS}__wait`, false],
        [`${NS}__close_agent`, false],
      ]);
      const waited = JSON.parse(run.calls[2]!.text);
      expectMatchesOutput("wait", waited);
      expect(waited).toMatchObject({
        timed_out: false,
        status: { "agent-1": { completed: "reply to: sleep:70000" } },
      });
      expect(waited.waited_ms).toBeGreaterThan(65_000);
      expect(JSON.parse(run.calls[3]!.text)).toEqual({ previous_status: "completed" });
      expect(run.finalMessage).toBe("parent done");
      const left = () =>
        listPids().filter((pid) => pid !== process.pid && readEnvVar(pid, "FAKE_STATE_DIR") === state);
      expect(await eventually(() => left().length === 0, 10_000)).toBe(true);
    },
    LONG,
  );
});
