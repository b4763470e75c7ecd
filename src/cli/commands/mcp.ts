import { statSync } from "node:fs";
import { resolve } from "node:path";
import type { Command } from "commander";
import { Option } from "commander";
import { BACKEND_NAMES, createBackend } from "../../backends/registry.ts";
import { BatonError } from "../../errors.ts";
import { WAIT_MAX_MS } from "../../mcp/schemas.ts";
import { serveStdio } from "../../mcp/server.ts";
import { parseDurationMs } from "../../util/duration.ts";
import { EXIT } from "../exit-codes.ts";
import type { RegisterCommand } from "./index.ts";

interface McpFlags {
  backend: string;
  command?: string;
  pty?: boolean;
  concurrency: string;
  cwd?: string;
  turnTimeout: string;
  stallTimeout: string;
}

const HELP = `
Tools: spawn_agent, wait (alias wait_agent), send_input, close_agent, list_agents.
Both argument spellings work: ids|targets (wait), id|target (send_input, close_agent).
wait blocks at most ${WAIT_MAX_MS / 1000} s per call (clients time tool calls out at ~60 s): loop while timed_out.
Logs go to stderr; stdout carries only MCP messages. When the client goes away every worker is killed.

Example — give Codex baton's agents (as tools of the MCP server "baton"):
  codex -c 'mcp_servers.baton.command="baton"' \\
        -c 'mcp_servers.baton.args=["mcp"]' \\
        -c 'mcp_servers.baton.default_tools_approval_mode="approve"' \\
        "Spawn two reviewers with baton, wait for both, close them and merge their findings"

Or in ~/.codex/config.toml:
  [mcp_servers.baton]
  command = "baton"
  args = ["mcp", "--concurrency", "4"]
  default_tools_approval_mode = "approve"

Claude Code:
  claude mcp add baton -- baton mcp

See docs/mcp.md.`;

function parseConcurrency(text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || value < 1 || value > 64) {
    throw new BatonError("E_USAGE", `--concurrency must be a whole number from 1 to 64, got "${text}"`);
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
      "Serve spawn_agent / wait / send_input / close_agent / list_agents to an MCP client (Codex, Claude Code, …) " +
        "on stdin/stdout. Each agent is a worker process run by baton.",
    )
    .addOption(
      new Option(
        "--backend <name>",
        "the worker CLI: codex (the default codex transport), codex-exec (a process per turn), codex-app (one app-server, a thread per agent), claude, command",
      )
        .choices(BACKEND_NAMES)
        .default("codex"),
    )
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
    .addHelpText("after", HELP)
    .action(async (flags: McpFlags) => {
      const options = {
        backend: createBackend(flags.backend, { command: flags.command, pty: flags.pty }),
        concurrency: parseConcurrency(flags.concurrency),
        cwd: flags.cwd === undefined ? process.cwd() : checkDir(flags.cwd),
        turnTimeoutMs: parseDurationMs(flags.turnTimeout, "--turn-timeout"),
        stallTimeoutMs: parseDurationMs(flags.stallTimeout, "--stall-timeout"),
      };
      try {
        options.backend.resolve();
      } catch (error) {
        // Keep serving: spawn_agent reports the same advice to the model, which can tell the user.
        process.stderr.write(`baton mcp: warning: ${(error as Error).message}\n`);
      }
      await serveStdio(options);
      // The sidecar reaper's pipe and other handles must not keep a server without a client alive.
      process.exit(EXIT.ok);
    });
};
