import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { McpServer } from "@modelcontextprotocol/sdk/server/mcp.js";
import { StdioServerTransport } from "@modelcontextprotocol/sdk/server/stdio.js";
import { codexBackend } from "../backends/codex/backend.ts";
import type { Backend } from "../backends/types.ts";
import { Pool, type PoolEvent } from "../core/pool.ts";
import { handleSignals } from "../core/process/signals.ts";
import type { Supervisor } from "../core/process/supervisor.ts";
import { registerTools } from "./tools.ts";

export interface BatonMcpOptions {
  /** The worker backend; default `codexBackend()`. */
  backend?: Backend;
  /** Turns running at once; default 6. */
  concurrency?: number;
  /** Default working directory of agents and base of relative `cwd` arguments; default process.cwd(). */
  cwd?: string;
  turnTimeoutMs?: number;
  stallTimeoutMs?: number;
  /** Where `$CODEX_HOME/agents` roles are looked for; default $CODEX_HOME or ~/.codex. */
  codexHome?: string;
  /** Per-agent scratch files; default: a temporary directory removed on shutdown. */
  scratchDir?: string;
  /** Upper bound of one `wait` call; default 45 000 ms (MCP clients time tool calls out at ~60 s). */
  waitMaxMs?: number;
  /** Owns every worker process. Default: the server's pool makes its own. */
  supervisor?: Supervisor;
  /** Diagnostics; default: stderr (stdout carries only protocol messages). */
  log?: (line: string) => void;
}

export interface BatonMcp {
  server: McpServer;
  pool: Pool;
  /** Closes every agent (killing what runs), then the MCP connection. */
  close(): Promise<void>;
}

const INSTRUCTIONS =
  "baton runs sub-agents as separate coding-agent processes. Lifecycle: spawn_agent → wait (loop while " +
  "timed_out) → [send_input → wait] → close_agent. Close every agent you spawned once you have its result.";

/**
 * An MCP server exposing the sub-agent lifecycle over one pool. Connect it to any transport.
 * @example
 * const { server, close } = createBatonMcpServer({ concurrency: 4 });
 * await server.connect(new StdioServerTransport());
 */
export function createBatonMcpServer(options: BatonMcpOptions = {}): BatonMcp {
  const log = options.log ?? ((line: string) => process.stderr.write(`baton mcp: ${line}\n`));
  const backend = options.backend ?? codexBackend();
  const cwd = options.cwd ?? process.cwd();
  const pool = new Pool({
    backends: backend,
    concurrency: options.concurrency ?? 6,
    cwd,
    turnTimeoutMs: options.turnTimeoutMs,
    stallTimeoutMs: options.stallTimeoutMs,
    scratchDir: options.scratchDir,
    supervisor: options.supervisor,
    onEvent: (event) => {
      const line = describeEvent(event);
      if (line) log(line);
    },
  });
  const server = new McpServer({ name: "baton", version: "0.1.0" }, { instructions: INSTRUCTIONS });
  registerTools(server, { pool, backend, cwd, codexHome: options.codexHome, waitMaxMs: options.waitMaxMs });
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= pool.shutdown().then(() => server.close());
    return closing;
  };
  return { server, pool, close };
}

function describeEvent(event: PoolEvent): string | undefined {
  switch (event.type) {
    case "agent.spawned":
      return `${event.agentId} spawned (${event.label}, ${event.backend})`;
    case "turn.started":
      return `${event.agentId} turn ${event.turn} started (pid ${event.pid ?? "?"})`;
    case "turn.ended":
      return `${event.agentId} turn ${event.turn} ended: ${event.endReason}${event.error ? ` — ${event.error}` : ""}`;
    case "agent.closed":
      return `${event.agentId} closed (was ${event.previousStatus})`;
    default:
      return undefined;
  }
}

/**
 * Serves on stdin/stdout until the client goes away (stdin ends) — then every agent is closed and the
 * promise resolves with the reason. SIGINT/SIGTERM kill every worker at once and exit 0.
 */
export async function serveStdio(options: BatonMcpOptions = {}): Promise<string> {
  // A stray console.log would corrupt the protocol stream.
  console.log = console.info = console.debug = console.error;
  const log = options.log ?? ((line: string) => process.stderr.write(`baton mcp: ${line}\n`));
  const scratchDir = options.scratchDir ?? mkdtempSync(join(tmpdir(), "baton-mcp-"));
  const removeScratch = () => {
    if (!options.scratchDir) rmSync(scratchDir, { recursive: true, force: true });
  };
  const mcp = createBatonMcpServer({ ...options, scratchDir, log });

  const removeSignalHandlers = handleSignals({
    killAll: () => {
      log("signal: killing every worker");
      mcp.pool.supervisor.killAll();
      removeScratch();
    },
    exitCode: () => 0,
  });

  let resolveGone!: (reason: string) => void;
  const gone = new Promise<string>((resolve) => {
    resolveGone = resolve;
  });
  process.stdin.once("end", () => resolveGone("the client closed stdin"));
  process.stdin.once("close", () => resolveGone("stdin closed"));
  process.stdin.once("error", (error) => resolveGone(`stdin failed: ${error.message}`));
  process.stdout.once("error", (error) => resolveGone(`stdout failed: ${error.message}`));
  mcp.server.server.onclose = () => resolveGone("the connection closed");

  await mcp.server.connect(new StdioServerTransport());
  log(`serving on stdio (pid ${process.pid})`);
  const reason = await gone;
  log(`${reason}: closing every agent`);
  const bounded = new Promise<void>((resolve) => setTimeout(resolve, 10_000).unref());
  await Promise.race([mcp.close(), bounded]);
  mcp.pool.supervisor.killAll();
  removeScratch();
  removeSignalHandlers();
  return reason;
}
