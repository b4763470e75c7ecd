import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { listPids, readEnvVar } from "../../src/core/process/procfs.ts";
import { type ModelServer, parseModelScript, startModelServer } from "../../src/model-server/index.ts";
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

// `baton setup codex` into a temporary CODEX_HOME, then the real codex CLI (against the scripted model)
// as the orchestrator: it lists baton's MCP tools, injects the orchestration skill, and a scripted
// orchestrating model that follows the skill's Pattern A runs a triangulated review through baton.

const NS = "mcp__baton";

let server: ModelServer | undefined;
let t: CodexTestEnv | undefined;
afterEach(async () => {
  await server?.close();
  await t?.cleanup();
  server = t = undefined;
});

interface McpCall {
  tool: string;
  status: string;
  arguments: Record<string, unknown>;
  result: { structured_content: Record<string, unknown> | null } | null;
}

function texts(body: unknown, role: string): string[] {
  const input = (body as { input: { role?: string; content?: { text?: string }[] }[] }).input;
  return input.filter((i) => i.role === role).flatMap((i) => (i.content ?? []).map((c) => c.text ?? ""));
}

describe("baton setup codex", () => {
  it("--dry-run writes nothing; setup, codex orchestrates a Pattern A review through baton; --uninstall restores byte for byte", async () => {
    // Placeholder script until the skill is installed (the preamble comes from the installed file).
    server = await startModelServer({ script: parseModelScript({ default: { reply: "unused" } }), port: 0 });
    t = await makeCodexTestEnv({ baseUrl: server.url });
    const env = { ...t.env };
    const project = join(t.home, "project");
    mkdirSync(project);
    writeFileSync(join(project, "notes.md"), "# Notes\n\nRetry forever on errors.\n");
    const original = snapshot(t.codexHome);

    const dry = baton(["setup", "codex", "--dry-run"], env, project);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toMatch(/Dry run: .*nothing is written/);
    expect(dry.stdout).toContain("+ [mcp_servers.baton]");
    expect(snapshot(t.codexHome)).toEqual(original);
    expect(snapshot(join(t.home, ".baton"))).toEqual({});

    const setup = baton(["setup", "codex"], env, project);
    expect(setup.code, setup.stderr).toBe(0);
    expect(setup.stdout).toMatch(/Backups of the files replaced: .*\.baton\/setup\/backups\//);
    const config = readFileSync(join(t.codexHome, "config.toml"), "utf8");
    // Only the table was added: the old file is a prefix of the new one.
    expect(config.startsWith(original["config.toml"]!)).toBe(true);
    expect(config).toMatch(/\[mcp_servers\.baton\]\n[\s\S]*required = true\n[\s\S]*tool_timeout_sec = 75\n/);
    expect(config).toMatch(/env_vars = \[.*"CODEX_HOME".*"LOCAL_API_KEY".*\]/);
    const again = baton(["setup", "codex"], env, project);
    expect(again.stdout).toMatch(/already set up .*nothing to change/);

    const skill = readFileSync(join(t.codexHome, "skills", "baton-orchestration", "SKILL.md"), "utf8");
    const preamble = preambleOf(skill);
    const ids = AGENT_IDS;
    await server.close();
    server = await startModelServer({
      port: 0,
      script: parseModelScript({
        rules: [
          ...reviewerRules(),
          {
            contains: "ORCH-REVIEW",
            steps: [
              ...LENSES.map((lens) => ({
                toolCall: {
                  name: "spawn_agent",
                  namespace: NS,
                  arguments: {
                    agent_type: "baton-reviewer",
                    label: `review: ${lens}`,
                    message: reviewerMessage(preamble, lens),
                  },
                },
              })),
              {
                toolCall: {
                  name: "wait",
                  namespace: NS,
                  arguments: { ids, timeout_ms: 40_000 },
                },
              },
              {
                toolCall: ids.map((id) => ({
                  name: "close_agent",
                  namespace: NS,
                  arguments: { target: id },
                })),
              },
              { reply: "Merged review: 1. notes.md:3 retry forever (correctness, risks, clarity agree)." },
            ],
          },
        ],
      }),
    });
    // The scripted server moved: point the test config (not baton's table) at it.
    writeFileSync(
      join(t.codexHome, "config.toml"),
      readFileSync(join(t.codexHome, "config.toml"), "utf8").replace(
        /127\.0\.0\.1:\d+/,
        server.url.split("/")[2]!,
      ),
    );

    const run = await runToExit(
      t.codexBin,
      [
        "exec",
        "--json",
        "--skip-git-repo-check",
        "-s",
        "read-only",
        "$baton-orchestration ORCH-REVIEW of notes.md",
      ],
      { cwd: project, env, timeoutMs: 120_000 },
    );
    expect(run.code, run.stderr).toBe(0);
    const items = run.stdout
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { type: string; item?: { type: string; text?: string } & McpCall })
      .filter((e) => e.type === "item.completed")
      .map((e) => e.item!);
    const calls = items.filter((i) => i.type === "mcp_tool_call") as McpCall[];
    expect(calls.map((c) => [c.tool, c.status])).toEqual([
      ["spawn_agent", "completed"],
      ["spawn_agent", "completed"],
      ["spawn_agent", "completed"],
      ["wait", "completed"],
      ["close_agent", "completed"],
      ["close_agent", "completed"],
      ["close_agent", "completed"],
    ]);
    const waited = calls[3]!.result!.structured_content!;
    expect(waited.timed_out).toBe(false);
    expect(Object.keys(waited.status as object).sort()).toEqual(ids);
    for (const [i, id] of ids.entries())
      expect((waited.status as Record<string, { completed: string }>)[id]!.completed).toContain(LENSES[i]);
    for (const close of calls.slice(4))
      expect(close.result!.structured_content).toEqual({ previous_status: "completed" });
    expect(items.filter((i) => i.type === "agent_message").at(-1)?.text).toMatch(/^Merged review/);

    // What the model saw: baton's tools, the skill listed and injected; the workers got their role.
    const parent = server.requests.filter((r) => JSON.stringify(r.body).includes("ORCH-REVIEW"));
    expect(parent[0]!.toolNames).toEqual(
      expect.arrayContaining([
        `${NS}/spawn_agent`,
        `${NS}/wait_agent`,
        `${NS}/close_agent`,
        `${NS}/list_agents`,
      ]),
    );
    expect(texts(parent[0]!.body, "developer").join("\n")).toMatch(
      /- baton-orchestration: Orchestrate parallel worker agents/,
    );
    const injected = texts(parent[0]!.body, "user").find((x) =>
      x.startsWith("<skill>\n<name>baton-orchestration</name>"),
    );
    expect(injected).toContain("### Pattern A: Triangulated review");
    const workers = server.requests.filter((r) => r.lastUserText.startsWith("CONTEXT: WORKER"));
    expect(workers).toHaveLength(3);
    for (const w of workers)
      expect(texts(w.body, "developer").join("\n")).toContain("You review an artefact");

    expect(
      await eventually(
        () =>
          listPids().filter((pid) => pid !== process.pid && readEnvVar(pid, "CODEX_HOME") === t!.codexHome)
            .length === 0,
        10_000,
      ),
    ).toBe(true);

    // Uninstall: CODEX_HOME is byte for byte what it was (with the moved server port put back first).
    writeFileSync(
      join(t.codexHome, "config.toml"),
      readFileSync(join(t.codexHome, "config.toml"), "utf8").replace(
        /127\.0\.0\.1:\d+/,
        /127\.0\.0\.1:\d+/.exec(original["config.toml"]!)![0],
      ),
    );
    const undo = baton(["setup", "codex", "--uninstall"], env, project);
    expect(undo.code, undo.stderr).toBe(0);
    expect(undo.stdout).toMatch(/restored +.*config\.toml/);
    expect(setupFiles(snapshot(t.codexHome))).toEqual(setupFiles(original));
  }, 180_000);
});

/** The files setup may touch (codex itself adds sessions, logs and caches to CODEX_HOME while it runs). */
function setupFiles(files: Record<string, string>): Record<string, string> {
  // skills/.system/ is codex's own: its bundled skills, unpacked on first start.
  const ours = (path: string) =>
    /^(config\.toml|skills\/|agents\/)/.test(path) && !/^skills\/(\.system\/.*)?$/.test(path);
  return Object.fromEntries(Object.entries(files).filter(([path]) => ours(path)));
}
