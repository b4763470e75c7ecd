import { Server } from "@modelcontextprotocol/sdk/server/index.js";
import { codexBackend } from "../backends/codex/backend.ts";
import type { Backend, SandboxMode } from "../backends/types.ts";
import { Pool, type PoolEvent } from "../core/pool.ts";
import type { Supervisor } from "../core/process/supervisor.ts";
import { batonHome } from "../store/paths.ts";
import { AgentBook } from "./agents.ts";
import { serveTools } from "./call.ts";
import type { ToolContext } from "./handlers.ts";
import { AgentResources } from "./resources.ts";
import { WAIT_MAX_MS } from "./schemas.ts";
import { SessionRecord } from "./session-record.ts";
import { SessionTaskStore, type TaskLimits } from "./tasks.ts";

export interface BatonMcpOptions {
  /** The worker backend; default `codexBackend()`. */
  backend?: Backend;
  /** Turns running at once; default 6. */
  concurrency?: number;
  /** Default working directory of agents and base of relative `cwd` arguments; default process.cwd(). */
  cwd?: string;
  turnTimeoutMs?: number;
  stallTimeoutMs?: number;
  /** SIGTERM → SIGKILL grace when an agent is closed; a close_agent call the client cancels kills at once. */
  killGraceMs?: number;
  /** Where `$CODEX_HOME/agents` roles are looked for; default $CODEX_HOME or ~/.codex. */
  codexHome?: string;
  /** Where user-level Claude Code agents are looked for (`<dir>/agents`); default ~/.claude. */
  claudeHome?: string;
  /** baton's state folder; the session is recorded in `<home>/runs/<run-id>/`. Default: batonHome(cwd). */
  home?: string;
  /** Longest one wait call blocks; default 45 000 ms (MCP clients time tool calls out at ~60 s). */
  waitMaxMs?: number;
  /** Bytes of each final message put inline in a wait result; default 16 KiB. */
  maxInlineBytes?: number;
  /** The most sandbox a client may ask for; default `workspace-write`. */
  maxSandbox?: SandboxMode;
  /** spawn_agent refuses `web_search` (`baton mcp --no-web`). */
  noWeb?: boolean;
  /** How often a wait with a progress token reports; default 5 000 ms. */
  progressIntervalMs?: number;
  tasks?: Partial<TaskLimits>;
  /** Owns every worker process. Default: the server's pool makes its own. */
  supervisor?: Supervisor;
  /** Diagnostics; default: stderr (stdout carries only protocol messages). */
  log?: (line: string) => void;
}

export interface BatonMcp {
  server: Server;
  pool: Pool;
  book: AgentBook;
  record: SessionRecord;
  tasks: SessionTaskStore;
  /** Closes every agent (killing what runs), ends the record, then the MCP connection. */
  close(): Promise<void>;
}

export const DEFAULT_MAX_INLINE_BYTES = 16 * 1024;

const INSTRUCTIONS =
  "baton runs sub-agents as separate coding-agent processes. Lifecycle: spawn_agent → wait (call again " +
  "while timed_out) → [send_input → wait] → close_agent. wait_agent returns at the first finisher. " +
  "Close every agent you spawned once you have its result.";

/**
 * An MCP server exposing the sub-agent lifecycle over one pool, recorded as a run. Connect it to any
 * transport (serveStdio uses the hardened LineTransport).
 * @example
 * const { server, close } = createBatonMcpServer({ concurrency: 4 });
 * await server.connect(new LineTransport(process.stdin, process.stdout));
 */
export function createBatonMcpServer(options: BatonMcpOptions = {}): BatonMcp {
  const log = options.log ?? ((line: string) => process.stderr.write(`baton mcp: ${line}\n`));
  const backend = options.backend ?? codexBackend();
  const cwd = options.cwd ?? process.cwd();
  const waitMaxMs = options.waitMaxMs ?? WAIT_MAX_MS;
  const maxSandbox = options.maxSandbox ?? "workspace-write";
  const home = options.home ?? batonHome(cwd);
  const record = new SessionRecord({
    home,
    cwd,
    settings: { backend: backend.name, concurrency: options.concurrency ?? 6, waitMaxMs, maxSandbox },
  });
  let resources: AgentResources | undefined;
  const pool = new Pool({
    backends: backend,
    concurrency: options.concurrency ?? 6,
    cwd,
    turnTimeoutMs: options.turnTimeoutMs,
    stallTimeoutMs: options.stallTimeoutMs,
    killGraceMs: options.killGraceMs,
    scratchDir: record.agentDir("."),
    supervisor: options.supervisor,
    onEvent: (event) => {
      record.onPoolEvent(event);
      resources?.onPoolEvent(event);
      const line = describeEvent(event);
      if (line) log(line);
    },
  });
  const book = new AgentBook(pool, (id) => record.agentDir(id));
  record.attach(book);
  const tasks = new SessionTaskStore(options.tasks);
  const server = new Server(
    { name: "baton", version: "0.1.0" },
    {
      instructions: INSTRUCTIONS,
      taskStore: tasks,
      capabilities: {
        tools: {},
        resources: { subscribe: true, listChanged: true },
        tasks: { list: {}, cancel: {}, requests: { tools: { call: {} } } },
      },
    },
  );
  server.oninitialized = () => {
    const client = server.getClientVersion();
    if (client) record.setClient(`${client.name} ${client.version}`);
  };
  const ctx: ToolContext = {
    book,
    backend,
    cwd,
    home,
    roleHomes: { codexHome: options.codexHome, claudeHome: options.claudeHome },
    maxSandbox,
    noWeb: options.noWeb,
    limits: {
      waitMaxMs,
      maxInlineBytes: options.maxInlineBytes ?? DEFAULT_MAX_INLINE_BYTES,
      progressIntervalMs: options.progressIntervalMs ?? 5_000,
    },
  };
  serveTools(server, ctx, tasks);
  resources = new AgentResources(server, book);
  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      tasks.close();
      await pool.shutdown();
      await record.close("completed");
      await server.close();
    })();
    return closing;
  };
  return { server, pool, book, record, tasks, close };
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
