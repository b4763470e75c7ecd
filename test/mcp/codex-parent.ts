import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import type { CodexTestEnv } from "../helpers/codex-home.ts";
import { finished } from "../helpers/processes.ts";

// Runs the real codex CLI as the MCP client of `baton mcp` (the MCP server "baton").
const MAIN = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));

export interface McpCall {
  server: string;
  tool: string;
  arguments: Record<string, unknown>;
  status: string;
  result: { content: { text: string }[]; structured_content: Record<string, unknown> | null } | null;
}

/** Runs the parent codex with baton as its MCP server "baton"; returns its JSONL items. */
export async function runParent(
  prompt: string,
  t: CodexTestEnv,
  extra: { batonArgs?: string[]; config?: string[]; env?: Record<string, string> } = {},
) {
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
    `mcp_servers.baton.args=${q([MAIN, "mcp", "--concurrency", "2", ...(extra.batonArgs ?? [])])}`,
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
    `mcp_servers.baton.env={${Object.entries({ BATON_CODEX_BIN: t.codexBin, ...extra.env })
      .map(([k, v]) => `${k}=${q(v)}`)
      .join(", ")}}`,
    ...(extra.config ?? []).flatMap((c) => ["-c", c]),
    "--",
    prompt,
  ];
  const child = spawn(t.codexBin, args, { cwd: t.home, env: t.env, stdio: ["ignore", "pipe", "pipe"] });
  const { code: exitCode, stdout, stderr } = await finished(child);
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
