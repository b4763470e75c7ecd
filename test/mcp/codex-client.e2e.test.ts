import { afterEach, describe, expect, it } from "vitest";
import { listPids, readEnvVar } from "../../src/core/process/procfs.ts";
import { type ModelServer, parseModelScript, startModelServer } from "../../src/model-server/index.ts";
import { type CodexTestEnv, makeCodexTestEnv } from "../helpers/codex-home.ts";
import { eventually } from "../helpers/processes.ts";
import { runParent } from "./codex-parent.ts";

// The real codex CLI as the MCP client of `baton mcp`, whose workers are real codex processes too;
// one scripted model server answers both the parent and the child.
const NS = "mcp__baton";

let server: ModelServer | undefined;
let env: CodexTestEnv | undefined;
afterEach(async () => {
  await server?.close();
  await env?.cleanup();
  server = env = undefined;
});

/** Processes (baton mcp, its workers and theirs) that run with this test's CODEX_HOME. */
const processesWithHome = (codexHome: string) =>
  listPids().filter((pid) => pid !== process.pid && readEnvVar(pid, "CODEX_HOME") === codexHome);

describe("real codex as the MCP client of baton mcp", () => {
  it("spawns, waits for and closes a baton agent end to end; the child's answer reaches the parent", async () => {
    const script = parseModelScript({
      rules: [
        { match: "CHILD-TASK", reply: "child says hello" },
        {
          match: "PARENT-TASK",
          steps: [
            { toolCall: { name: "spawn_agent", namespace: NS, arguments: { message: "CHILD-TASK: greet" } } },
            {
              toolCall: { name: "wait", namespace: NS, arguments: { ids: ["agent-1"], timeout_ms: 40_000 } },
            },
            { toolCall: { name: "close_agent", namespace: NS, arguments: { id: "agent-1" } } },
            { reply: "parent done" },
          ],
        },
      ],
    });
    server = await startModelServer({ script, port: 0 });
    env = await makeCodexTestEnv({ baseUrl: server.url });
    const run = await runParent("PARENT-TASK: use baton", env);

    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.mcpCalls.map((c) => [c.server, c.tool, c.status])).toEqual([
      ["baton", "spawn_agent", "completed"],
      ["baton", "wait", "completed"],
      ["baton", "close_agent", "completed"],
    ]);
    const [spawned, waited, closed] = run.mcpCalls.map((c) => c.result!.structured_content);
    expect(spawned).toEqual({ agent_id: "agent-1", nickname: "agent-1", submission_id: "agent-1:1" });
    expect(waited).toMatchObject({
      timed_out: false,
      end_reasons: { "agent-1": "completed" },
      status: { "agent-1": { completed: "child says hello" } },
    });
    expect(closed).toEqual({ previous_status: "completed" });
    expect(run.finalMessage).toBe("parent done");

    // The model server saw the child's turn, and the parent's last request carried the child's answer.
    const child = server.requests.filter((r) => r.lastUserText.includes("CHILD-TASK"));
    expect(child).toHaveLength(1);
    expect(child[0]!.toolNames.some((name) => name.startsWith(NS))).toBe(false);
    const parent = server.requests.filter((r) => r.lastUserText.includes("PARENT-TASK"));
    expect(parent.map((r) => r.step)).toEqual([0, 1, 2, 3]);
    expect(parent[0]!.toolNames).toEqual(
      expect.arrayContaining([`${NS}/spawn_agent`, `${NS}/wait`, `${NS}/wait_agent`, `${NS}/close_agent`]),
    );
    expect(parent[0]!.toolNames.some((name) => name.startsWith("multi_agent_v1"))).toBe(false);
    expect(JSON.stringify(parent[3]!.body)).toContain("child says hello");

    expect(await eventually(() => processesWithHome(env!.codexHome).length === 0, 10_000)).toBe(true);
  });

  it("when codex exits with an agent still running (it sends baton SIGTERM), the worker is killed", async () => {
    const script = parseModelScript({
      rules: [
        { match: "SLOW-CHILD", hang: true },
        {
          match: "PARENT-LEAVES",
          steps: [
            {
              toolCall: {
                name: "spawn_agent",
                namespace: NS,
                arguments: { items: [{ type: "text", text: "SLOW-CHILD: take forever" }] },
              },
            },
            // Long enough for the child codex to be running, hung on its model request.
            {
              toolCall: {
                name: "wait",
                namespace: NS,
                arguments: { targets: ["agent-1"], timeout_ms: 3_000 },
              },
            },
            { reply: "leaving without closing" },
          ],
        },
      ],
    });
    server = await startModelServer({ script, port: 0 });
    env = await makeCodexTestEnv({ baseUrl: server.url });
    const codexHome = env.codexHome;
    const run = await runParent("PARENT-LEAVES now", env);

    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.mcpCalls.map((c) => c.result?.structured_content?.timed_out ?? c.tool)).toEqual([
      "spawn_agent",
      true,
    ]);
    expect(run.mcpCalls[1]!.result!.structured_content!.status).toEqual({ "agent-1": { running: null } });
    expect(server.requests.some((r) => r.lastUserText.includes("SLOW-CHILD"))).toBe(true);
    expect(run.finalMessage).toBe("leaving without closing");
    expect(await eventually(() => processesWithHome(codexHome).length === 0, 10_000)).toBe(true);
  });
});
