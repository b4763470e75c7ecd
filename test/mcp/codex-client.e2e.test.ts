import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { listPids, readEnvVar } from "../../src/core/process/procfs.ts";
import { type ModelServer, parseModelScript, startModelServer } from "../../src/model-server/index.ts";
import { type CodexTestEnv, makeCodexTestEnv } from "../helpers/codex-home.ts";
import { eventually } from "../helpers/processes.ts";

// The real codex CLI as the MCP client of `baton mcp`, whose workers are real codex processes too;
// one scripted model server answers both the parent and the child.
const MAIN = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));
const NS = "mcp__baton";

let server: ModelServer | undefined;
let env: CodexTestEnv | undefined;
afterEach(async () => {
  await server?.close();
  await env?.cleanup();
  server = env = undefined;
});

interface McpCall {
  server: string;
  tool: string;
  arguments: Record<string, unknown>;
  status: string;
  result: { content: { text: string }[]; structured_content: Record<string, unknown> | null } | null;
}

/** Runs the parent codex with baton as its MCP server "baton"; returns its JSONL items. */
async function runParent(prompt: string, t: CodexTestEnv) {
  const q = JSON.stringify;
  const args = [
    "exec",
    "--json",
    "--skip-git-repo-check",
    // Codex's own spawn_agent/wait/… (namespace multi_agent_v1) would sit next to baton's.
    "--disable",
    "multi_agent",
    "-c",
    `mcp_servers.baton.command=${q(process.execPath)}`,
    "-c",
    `mcp_servers.baton.args=[${q(MAIN)}, "mcp", "--concurrency", "2"]`,
    "-c",
    'mcp_servers.baton.default_tools_approval_mode="approve"',
    // codex exec does not wait for optional MCP servers: on a loaded machine its first model request
    // can go out before baton's tools are listed. `required` makes it wait for the server to start.
    "-c",
    "mcp_servers.baton.required=true",
    "-c",
    "mcp_servers.baton.startup_timeout_sec=60",
    // Codex starts MCP servers with a short list of variables (HOME, PATH, SHELL, LANG, TERM, …):
    // the workers need CODEX_HOME and the key of the scripted provider passed on explicitly.
    "-c",
    'mcp_servers.baton.env_vars=["CODEX_HOME", "LOCAL_API_KEY"]',
    "-c",
    `mcp_servers.baton.env={BATON_CODEX_BIN=${q(t.codexBin)}}`,
    "--",
    prompt,
  ];
  const child = spawn(t.codexBin, args, { cwd: t.home, env: t.env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exitCode = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  const events = stdout
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as { type: string; item?: { type: string; text?: string } & McpCall });
  const items = events.filter((e) => e.type === "item.completed").map((e) => e.item!);
  return {
    exitCode,
    stderr,
    mcpCalls: items.filter((i) => i.type === "mcp_tool_call") as McpCall[],
    finalMessage: items.filter((i) => i.type === "agent_message").at(-1)?.text,
  };
}

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
