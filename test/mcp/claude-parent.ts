import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { ClaudeTestEnv } from "../backends/claude-env.ts";
import { finished } from "../helpers/processes.ts";

// Runs the real Claude Code CLI (claude -p) as the MCP client of `baton mcp` (the MCP server "baton").
const MAIN = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));

export interface ClaudeToolResult {
  tool: string;
  input: Record<string, unknown>;
  text: string;
  isError: boolean;
}

/** Runs `claude -p` with baton as its only MCP server; returns the tool calls it made and their results. */
export async function runClaudeParent(
  prompt: string,
  t: ClaudeTestEnv,
  extra: { batonArgs?: string[]; serverEnv?: Record<string, string>; env?: Record<string, string> } = {},
) {
  const config = {
    mcpServers: {
      baton: {
        command: process.execPath,
        args: [MAIN, "mcp", ...(extra.batonArgs ?? [])],
        env: extra.serverEnv ?? {},
      },
    },
  };
  const file = join(t.home, "mcp.json");
  writeFileSync(file, JSON.stringify(config));
  // As root, claude refuses bypassPermissions: baton's tools are allowed by name instead.
  const args = ["-p", "--output-format", "stream-json", "--verbose", "--allowedTools", "mcp__baton"];
  args.push("--mcp-config", file, "--strict-mcp-config", prompt);
  const child = spawn(t.claudeBin, args, {
    cwd: t.home,
    env: { ...t.env, ...extra.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const { code: exitCode, stdout, stderr } = await finished(child);
  const events = stdout
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
  const uses = new Map<string, { name: string; input: Record<string, unknown> }>();
  const calls: ClaudeToolResult[] = [];
  for (const event of events) {
    const content = ((event.message as { content?: unknown[] } | undefined)?.content ?? []) as Record<
      string,
      unknown
    >[];
    for (const block of content) {
      if (block.type === "tool_use")
        uses.set(block.id as string, {
          name: block.name as string,
          input: block.input as Record<string, unknown>,
        });
      if (block.type === "tool_result") {
        const use = uses.get(block.tool_use_id as string);
        const text = typeof block.content === "string" ? block.content : JSON.stringify(block.content);
        calls.push({
          tool: use?.name ?? "?",
          input: use?.input ?? {},
          text,
          isError: block.is_error === true,
        });
      }
    }
  }
  const result = events.find((e) => e.type === "result") as { result?: string } | undefined;
  return { exitCode, stderr, calls, finalMessage: result?.result };
}
