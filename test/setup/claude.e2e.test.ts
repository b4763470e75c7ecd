import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { listPids, readEnvVar } from "../../src/core/process/procfs.ts";
import { type ModelServer, parseModelScript, startModelServer } from "../../src/model-server/index.ts";
import { type ClaudeTestEnv, makeClaudeTestEnv } from "../backends/claude-env.ts";
import { type CodexTestEnv, makeCodexTestEnv } from "../helpers/codex-home.ts";
import { eventually } from "../helpers/processes.ts";
import {
  AGENT_IDS,
  baton,
  LENSES,
  preambleOf,
  reviewerMessage,
  reviewerRules,
  runToExit,
  snapshot,
} from "./helpers.ts";

// `baton setup claude` into an empty HOME, then the real Claude Code (against the scripted Messages API)
// as the orchestrator: it loads the skill on /baton-orchestration and runs a scripted Pattern A review
// through baton's MCP tools; the workers are real codex processes answered by the same server.

const TOOL = (name: string) => `mcp__baton__${name}`;

let server: ModelServer | undefined;
let claude: ClaudeTestEnv | undefined;
let codex: CodexTestEnv | undefined;
afterEach(async () => {
  await server?.close();
  await claude?.cleanup();
  await codex?.cleanup();
  server = claude = codex = undefined;
});

interface Block {
  type: string;
  name?: string;
  text?: string;
  content?: unknown;
  is_error?: boolean;
  tool_use_id?: string;
  id?: string;
}

describe("baton setup claude", () => {
  it("--dry-run writes nothing; setup, Claude Code orchestrates a Pattern A review through baton; --uninstall restores byte for byte", async () => {
    const preamble = preambleOf(
      readFileSync(new URL("../../skills/baton-orchestration/SKILL.md", import.meta.url), "utf8"),
    );
    const call = (name: string, input: Record<string, unknown>) => ({
      toolCall: { name: TOOL(name), arguments: input },
    });
    server = await startModelServer({
      port: 0,
      script: parseModelScript({
        rules: [
          ...reviewerRules(),
          {
            contains: "ORCH-REVIEW",
            steps: [
              // Claude Code defers MCP tools: the model loads them by name first.
              {
                toolCall: {
                  name: "ToolSearch",
                  arguments: {
                    query: `select:${["spawn_agent", "wait", "close_agent"].map(TOOL).join(",")}`,
                  },
                },
              },
              ...LENSES.map((lens) =>
                call("spawn_agent", {
                  agent_type: "baton-reviewer",
                  label: `review: ${lens}`,
                  message: reviewerMessage(preamble, lens),
                }),
              ),
              call("wait", { ids: AGENT_IDS, timeout_ms: 40_000 }),
              { toolCall: AGENT_IDS.map((id) => ({ name: TOOL("close_agent"), arguments: { target: id } })) },
              { reply: "Merged review: 1. notes.md:3 retry forever (correctness, risks, clarity agree)." },
            ],
          },
        ],
      }),
    });
    claude = await makeClaudeTestEnv({ origin: server.origin });
    codex = await makeCodexTestEnv({ baseUrl: server.url });
    // One HOME; codex workers get the scripted CODEX_HOME through Claude Code's environment.
    const env = { ...codex.env, ...claude.env, HOME: claude.home };
    const project = join(claude.home, "project");
    mkdirSync(project);
    writeFileSync(join(project, "notes.md"), "# Notes\n\nRetry forever on errors.\n");
    writeFileSync(join(claude.home, ".claude.json"), `${JSON.stringify({ numStartups: 1 }, null, 2)}\n`);
    const files = () => ({
      ...snapshot(join(claude!.home, ".claude")),
      ...pick(claude!.home, ".claude.json"),
      ...agentsOf(codex!),
    });
    const original = files();

    const dry = baton(["setup", "claude", "--dry-run"], env, project);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/update +.*\.claude\.json/);
    expect(files()).toEqual(original);

    const setup = baton(["setup", "claude"], env, project);
    expect(setup.code, setup.stderr).toBe(0);
    const config = JSON.parse(readFileSync(join(claude.home, ".claude.json"), "utf8"));
    expect(config.numStartups).toBe(1);
    expect(config.mcpServers.baton).toMatchObject({ type: "stdio", command: process.execPath });
    expect(baton(["setup", "claude"], env, project).stdout).toMatch(/already set up/);
    // Undo before Claude Code ever ran: every file is byte for byte what it was.
    expect(baton(["setup", "claude", "--uninstall"], env, project).code).toBe(0);
    expect(files()).toEqual(original);
    expect(baton(["setup", "claude"], env, project).code).toBe(0);

    const run = await runToExit(
      claude.claudeBin,
      [
        "-p",
        "--output-format",
        "stream-json",
        "--verbose",
        "--allowedTools",
        "mcp__baton",
        "--",
        "/baton-orchestration ORCH-REVIEW of notes.md",
      ],
      { cwd: project, env, timeoutMs: 150_000 },
    );
    expect(run.code, run.stderr).toBe(0);
    const events = run.stdout
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { type: string; message?: { content?: Block[] }; result?: string });
    const uses = events
      .flatMap((e) => (e.type === "assistant" ? (e.message?.content ?? []) : []))
      .filter((b) => b.type === "tool_use");
    const results = events
      .flatMap((e) => (e.type === "user" ? (e.message?.content ?? []) : []))
      .filter((b) => b.type === "tool_result");
    expect(uses.map((u) => u.name)).toEqual([
      "ToolSearch",
      TOOL("spawn_agent"),
      TOOL("spawn_agent"),
      TOOL("spawn_agent"),
      TOOL("wait"),
      TOOL("close_agent"),
      TOOL("close_agent"),
      TOOL("close_agent"),
    ]);
    expect(results.filter((r) => r.is_error)).toEqual([]);
    const waitResult = JSON.stringify(results.find((r) => r.tool_use_id === uses[4]!.id)?.content);
    for (const lens of LENSES) expect(waitResult).toContain(`${lens} finding`);
    expect(waitResult).toContain('\\"timed_out\\":false');
    expect(events.at(-1)?.result).toMatch(/^Merged review/);

    // The skill was injected on /baton-orchestration; the workers got the reviewer role.
    const parent = server.requests.filter((r) => JSON.stringify(r.body).includes("ORCH-REVIEW"));
    expect(parent[0]!.lastUserText).toContain("### Pattern A: Triangulated review");
    const workers = server.requests.filter((r) => r.lastUserText.startsWith("CONTEXT: WORKER"));
    expect(workers).toHaveLength(3);
    expect(JSON.stringify(workers[0]!.body)).toContain("You review an artefact");
    expect(
      await eventually(
        () =>
          listPids().filter(
            (pid) => pid !== process.pid && readEnvVar(pid, "CODEX_HOME") === codex!.codexHome,
          ).length === 0,
        10_000,
      ),
    ).toBe(true);

    // Claude Code rewrites ~/.claude.json while it runs (counters, project state): uninstall then takes
    // out only baton's entry and keeps the rest; the skill and roles are gone byte for byte.
    const undo = baton(["setup", "claude", "--uninstall"], env, project);
    expect(undo.code, undo.stderr).toBe(0);
    expect(undo.stdout).toMatch(/edited +.*\.claude\.json — changed since setup: only baton's entry removed/);
    const left = JSON.parse(readFileSync(join(claude.home, ".claude.json"), "utf8"));
    expect(left.mcpServers).toBeUndefined();
    expect(left.numStartups).toBeGreaterThanOrEqual(1);
    expect(ours(files())).toEqual(ours(original));
  }, 240_000);
});

function pick(dir: string, name: string): Record<string, string> {
  try {
    return { [name]: readFileSync(join(dir, name), "latin1") };
  } catch {
    return {};
  }
}

function agentsOf(t: CodexTestEnv): Record<string, string> {
  return Object.fromEntries(
    Object.entries(snapshot(join(t.codexHome, "agents"))).map(([k, v]) => [`codex-agents/${k}`, v]),
  );
}

/** The skill and the roles (Claude Code adds its own sessions, history and caches under ~/.claude). */
function ours(files: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(files).filter(([path]) => /^(skills\/|codex-agents\/)/.test(path)),
  );
}
