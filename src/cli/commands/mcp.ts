import { statSync } from "node:fs";
import { resolve } from "node:path";
import { setFlagsFromString } from "node:v8";
import type { Command } from "commander";
import { Option } from "commander";
import { createBackend } from "../../backends/registry.ts";
import { workerBinaryLine } from "../../backends/resolve-binary.ts";
import { SANDBOX_MODES, type SandboxMode } from "../../backends/sandbox.ts";
import { BatonError } from "../../errors.ts";
import { WAIT_MAX_MS } from "../../mcp/schemas.ts";
import { serveStdio } from "../../mcp/stdio.ts";
import { parseDurationMs } from "../../util/duration.ts";
import { localTransport } from "../codex-transport.ts";
import { EXIT } from "../exit-codes.ts";
import { backendOption } from "../parse.ts";
import { reapLeftovers } from "../reap.ts";
import { cliSupervisor } from "../supervisor.ts";
import type { RegisterCommand } from "./register.ts";

interface McpFlags {
  backend: string;
  command?: string;
  pty?: boolean;
  concurrency: string;
  cwd?: string;
  turnTimeout: string;
  stallTimeout: string;
  waitMax: string;
  maxInline: string;
  maxSandbox: SandboxMode;
  /** false with --no-web. */
  web: boolean;
}

const HELP = `
Tools: spawn_agent, wait, wait_agent (first finisher, as Codex's), send_input, interrupt_agent, map_tasks,
close_agent, list_agents, list_roles. Both argument spellings work: ids|targets, id|target, message|items.
A wait blocks at most --wait-max per call (default ${WAIT_MAX_MS / 1000} s, under the ~60 s clients allow a tool call):
raise it together with the client's own timeout, or let the client use MCP tasks or progress (docs/mcp.md).
Agents are resources (baton://agents/<id>, subscribable). The session is recorded as a run in
.baton/runs/<id>/ (baton status | logs | report). Logs go to stderr; stdout carries only MCP messages.
When the client goes away every worker is killed.

Example — give Codex baton's agents, with 10-minute waits:
  codex -c 'mcp_servers.baton.command="baton"' \\
        -c 'mcp_servers.baton.args=["mcp", "--wait-max", "10m"]' \\
        -c 'mcp_servers.baton.tool_timeout_sec=660' \\
        -c 'mcp_servers.baton.default_tools_approval_mode="approve"' \\
        "Spawn two reviewers with baton, wait for both, close them and merge their findings"

Claude Code:
  claude mcp add baton -- baton mcp

See docs/mcp.md for every client's timeouts.`;

function parseConcurrency(text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || value < 1 || value > 64) {
    throw new BatonError("E_USAGE", `--concurrency must be a whole number from 1 to 64, got "${text}"`);
  }
  return value;
}

function parseBytes(text: string, flag: string): number {
  const match = /^(\d+)\s*(b|k|kb|kib|m|mb|mib)?$/i.exec(text.trim());
  const scale: Record<string, number> = {
    b: 1,
    k: 1024,
    kb: 1024,
    kib: 1024,
    m: 1 << 20,
    mb: 1 << 20,
    mib: 1 << 20,
  };
  const value = match ? Number(match[1]) * scale[(match[2] ?? "b").toLowerCase()]! : Number.NaN;
  if (!(value >= 256 && value <= 64 << 20)) {
    throw new BatonError(
      "E_USAGE",
      `${flag} must be a size from 256 bytes to 64MiB, e.g. 16KiB or 65536; got "${text}"`,
    );
  }
  return value;
}

function checkDir(dir: string): string {
  const full = resolve(dir);
  let isDir = false;
  try {
    isDir = statSync(full).isDirectory();
  } catch {
    // reported below
  }
  if (!isDir) throw new BatonError("E_USAGE", `--cwd: "${dir}" is not a directory; pass an existing folder`);
  return full;
}

export const registerMcp: RegisterCommand = (program: Command) => {
  program
    .command("mcp")
    .summary("serve the sub-agent lifecycle as a stdio MCP server")
    .description(
      "Serve the sub-agent lifecycle (spawn_agent, wait, send_input, close_agent, …) to an MCP client (Codex, " +
        "Claude Code, the SDK, the Inspector) on stdin/stdout. Each agent is a worker process run by baton.",
    )
    .addOption(backendOption())
    .option(
      "--command <template>",
      "for --backend command: the agent CLI, e.g. 'aider --yes --message {prompt}'",
    )
    .option(
      "--pty",
      "for --backend command: run the agent CLI on a pseudo-terminal (for tools that need one)",
    )
    .option("--concurrency <n>", "turns running at once; more are queued", "6")
    .option("--cwd <dir>", "default working directory of agents (default: the current one)")
    .option("--turn-timeout <duration>", "deadline of each turn, e.g. 30m, 1h", "30m")
    .option("--stall-timeout <duration>", "kill a turn that prints nothing for this long", "10m")
    .option(
      "--wait-max <duration>",
      "longest one wait call blocks (keep it under the client's tool timeout)",
      "45s",
    )
    .option(
      "--max-inline <size>",
      "bytes of each final message put inline in wait results (the rest: a resource)",
      "16KiB",
    )
    .addOption(
      new Option("--max-sandbox <mode>", "the most sandbox a client may ask for")
        .choices(SANDBOX_MODES)
        .default("workspace-write"),
    )
    .option("--no-web", "refuse spawn_agent's web_search (by default agents that ask for it get web search)")
    .addHelpText("after", HELP)
    .action(async (flags: McpFlags) => {
      // A server that lives for hours and moves 50 KB texts per call: without these V8 keeps growing its
      // heap (measured: +90 MB of RSS over 2000 agents with a flat live heap); with them RSS stays flat.
      setFlagsFromString("--semi-space-growth-factor=1 --optimize-for-size");
      const transport = await localTransport(flags.backend, "baton mcp");
      const options = {
        backend: createBackend(transport.name, {
          command: flags.command,
          pty: flags.pty,
        }),
        concurrency: parseConcurrency(flags.concurrency),
        cwd: flags.cwd === undefined ? process.cwd() : checkDir(flags.cwd),
        turnTimeoutMs: parseDurationMs(flags.turnTimeout, "--turn-timeout"),
        stallTimeoutMs: parseDurationMs(flags.stallTimeout, "--stall-timeout"),
        supervisor: cliSupervisor(),
        waitMaxMs: parseDurationMs(flags.waitMax, "--wait-max"),
        maxInlineBytes: parseBytes(flags.maxInline, "--max-inline"),
        maxSandbox: flags.maxSandbox,
        noWeb: !flags.web,
      };
      reapLeftovers();
      try {
        // The same lookup and line as `baton run` and `baton doctor` (not awaited: serving starts at once).
        const { versionLine } = transport;
        void workerBinaryLine(options.backend.name, options.backend.resolve(), undefined, versionLine).then(
          (line) => {
            if (line) process.stderr.write(`baton mcp: ${line}`);
          },
        );
      } catch (error) {
        // Keep serving: spawn_agent reports the same advice to the model, which can tell the user.
        process.stderr.write(`baton mcp: warning: ${(error as Error).message}\n`);
      }
      await serveStdio(options);
      // The sidecar reaper's pipe and other handles must not keep a server without a client alive.
      process.exit(EXIT.ok);
    });
};
