import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { afterEach, describe, expect, it } from "vitest";
import { eventually } from "../helpers/processes.ts";
import { FAKE_CODEX, FAKE_CODEX_BACKEND, MAIN, startRaw as startRawServer, workersOf } from "./raw-server.ts";

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

function serverEnv(): NodeJS.ProcessEnv {
  const state = mkdtempSync(join(tmpdir(), "baton-mcp-state-"));
  cleanups.push(() => rmSync(state, { recursive: true, force: true }));
  return {
    ...process.env,
    BATON_CODEX_BIN: FAKE_CODEX,
    FAKE_STATE_DIR: state,
    BATON_HOME: join(state, "baton"),
  };
}

function startRaw(args: string[] = []) {
  const server = startRawServer(args);
  cleanups.push(server.stop);
  return server;
}

describe("baton mcp over stdio", () => {
  it("serves a spawn → wait → send_input → wait → close round trip to the SDK client", async () => {
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: [MAIN, "mcp", ...FAKE_CODEX_BACKEND, "--concurrency", "2"],
      env: serverEnv() as Record<string, string>,
      stderr: "pipe",
    });
    const client = new Client({ name: "test", version: "0.0.0" });
    cleanups.push(() => client.close());
    await client.connect(transport);

    const spawned = await client.callTool({ name: "spawn_agent", arguments: { message: "first" } });
    expect(spawned.structuredContent).toEqual({
      agent_id: "agent-1",
      nickname: "agent-1",
      submission_id: "agent-1:1",
    });
    const waited = await client.callTool({
      name: "wait",
      arguments: { ids: ["agent-1"], timeout_ms: 10_000 },
    });
    expect(waited.structuredContent).toMatchObject({
      status: { "agent-1": { completed: "reply to: first" } },
    });
    await client.callTool({ name: "send_input", arguments: { id: "agent-1", message: "second" } });
    const again = await client.callTool({ name: "wait_agent", arguments: { targets: ["agent-1"] } });
    const status = (again.structuredContent as { status: Record<string, { completed: string }> }).status;
    expect(status["agent-1"]!.completed).toBe("reply to: second | history: first");
    const closed = await client.callTool({ name: "close_agent", arguments: { target: "agent-1" } });
    expect(closed.structuredContent).toEqual({ previous_status: "completed" });
  });

  it("when the client closes stdin it kills every worker (and grandchild) and exits 0", async () => {
    const server = startRaw();
    await server.initialize();
    await server.callTool("spawn_agent", { message: "grandchild" });
    await server.callTool("spawn_agent", { message: "hang" });
    const pid = server.child.pid!;
    // Two workers, plus the grandchild in its own session.
    expect(await eventually(() => workersOf(pid).length >= 3, 10_000)).toBe(true);

    const started = Date.now();
    server.child.stdin!.end();
    expect(await server.exit).toBe(0);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(workersOf(pid)).toEqual([]);
    // Only protocol messages on stdout; diagnostics went to stderr.
    for (const line of server.stdoutLines) expect(JSON.parse(line)).toHaveProperty("jsonrpc", "2.0");
    expect(server.stderr()).toContain("the client closed stdin: closing every agent");
  });

  it("on SIGTERM it kills every worker and exits 0", async () => {
    const server = startRaw();
    await server.initialize();
    await server.callTool("spawn_agent", { message: "grandchild" });
    const pid = server.child.pid!;
    expect(await eventually(() => workersOf(pid).length >= 2, 10_000)).toBe(true);
    server.child.kill("SIGTERM");
    expect(await server.exit).toBe(0);
    expect(await eventually(() => workersOf(pid).length === 0, 2_000)).toBe(true);
  });

  it("rejects bad flags with exit 2 and a message naming the flag", () => {
    for (const [args, expected] of [
      [["--concurrency", "0"], "--concurrency must be a whole number from 1 to 64"],
      [["--backend", "gemini"], "Allowed choices are codex, codex-exec, codex-app, claude, command"],
      [["--backend", "command"], "--backend command needs --command"],
      [["--turn-timeout", "soon"], "--turn-timeout"],
      [["--cwd", "/nonexistent/dir"], "--cwd"],
    ] as const) {
      const result = spawnSync(process.execPath, [MAIN, "mcp", ...args], { encoding: "utf8", input: "" });
      expect(result.status, args.join(" ")).toBe(2);
      expect(result.stderr).toContain(expected);
      expect(result.stdout).toBe("");
    }
  });
});
