/**
 * The real codex binary (node_modules/.bin/codex, @openai/codex 0.169.0) against the scripted server,
 * offline, with an empty temporary HOME and CODEX_HOME.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseModelScript } from "../../src/model-server/script.ts";
import { type ModelServer, startModelServer } from "../../src/model-server/server.ts";
import { type CodexTestEnv, makeCodexTestEnv } from "../helpers/codex-home.ts";

const TURN_TIMEOUT_MS = 45_000;

interface CodexRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  events: { type: string; [k: string]: unknown }[];
  stderr: string;
}

let server: ModelServer | undefined;
let codexEnv: CodexTestEnv | undefined;
let cwd: string;
const children = new Set<ChildProcess>();

beforeEach(async () => {
  cwd = await mkdtemp(join(tmpdir(), "baton-codex-cwd-"));
});

afterEach(async () => {
  for (const child of children) killGroup(child);
  children.clear();
  await server?.close();
  await codexEnv?.cleanup();
  await rm(cwd, { recursive: true, force: true });
  server = undefined;
  codexEnv = undefined;
});

function killGroup(child: ChildProcess): void {
  if (child.exitCode !== null || child.signalCode !== null || !child.pid) return;
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {
    child.kill("SIGKILL");
  }
}

async function serve(script: unknown): Promise<void> {
  server = await startModelServer({ script: parseModelScript(script), idleTimeoutMs: 0 });
  codexEnv = await makeCodexTestEnv({ baseUrl: server.url });
}

/** One `codex exec` turn; stdin closed, own process group, killed if it outlives the deadline. */
function codex(args: string[]): Promise<CodexRun> {
  const env = codexEnv!;
  const child = spawn(
    env.codexBin,
    [
      "exec",
      "--json",
      "--skip-git-repo-check",
      "-s",
      "read-only",
      "--disable",
      "unbounded_connection_retries",
      ...args,
    ],
    { cwd, env: env.env, stdio: ["ignore", "pipe", "pipe"], detached: true },
  );
  children.add(child);
  let stdout = "";
  let stderr = "";
  child.stdout!.setEncoding("utf8").on("data", (d: string) => {
    stdout += d;
  });
  child.stderr!.setEncoding("utf8").on("data", (d: string) => {
    stderr += d;
  });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      killGroup(child);
      reject(
        new Error(
          `codex ${args.join(" ")} did not finish in ${TURN_TIMEOUT_MS} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`,
        ),
      );
    }, TURN_TIMEOUT_MS);
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      children.delete(child);
      const events = stdout
        .split("\n")
        .filter((line) => line.startsWith("{"))
        .map((line) => JSON.parse(line));
      resolve({ code, signal, events, stderr });
    });
  });
}

const items = (run: CodexRun, type: string) =>
  run.events
    .filter((e) => e.type === "item.completed")
    .map((e) => e.item as { type: string; [k: string]: unknown })
    .filter((item) => item.type === type);
const finalMessage = (run: CodexRun) => items(run, "agent_message").at(-1)?.text as string | undefined;

describe("real codex against the scripted model server", () => {
  it("returns a reply as the last agent_message", async () => {
    await serve({ rules: [{ match: "say hello", reply: "hello from the script" }] });
    const run = await codex(["say hello"]);
    expect(run.code, run.stderr).toBe(0);
    expect(finalMessage(run)).toBe("hello from the script");
    expect(run.events.at(-1)).toMatchObject({ type: "turn.completed" });
    // The model catalog of the helper silences codex's "Model metadata … not found" warning.
    expect(items(run, "error")).toEqual([]);
    expect(server!.requests).toHaveLength(1);
    expect(server!.requests[0]).toMatchObject({
      lastUserText: "say hello",
      model: "scripted-model",
      rule: 0,
    });
    expect(server!.requests[0]!.toolNames).toContain("exec_command");
  });

  it("runs a scripted shell step, then the final reply", async () => {
    await serve({ rules: [{ match: "run it", steps: [{ shell: "echo from-tool" }, { reply: "ran it" }] }] });
    const run = await codex(["run it"]);
    expect(run.code, run.stderr).toBe(0);
    const [command] = items(run, "command_execution");
    expect(command).toMatchObject({ aggregated_output: "from-tool\n", exit_code: 0, status: "completed" });
    expect(command!.command).toContain("echo from-tool");
    expect(finalMessage(run)).toBe("ran it");
    expect(server!.requests.map((r) => [r.rule, r.step])).toEqual([
      [0, 0],
      [0, 1],
    ]);
    // The second request carries the tool output for the model.
    expect(JSON.stringify(server!.requests[1]!.body)).toContain("from-tool");
  });

  it("turns fail into turn.failed and exit code 1", async () => {
    await serve({ rules: [{ fail: "scripted outage" }] });
    const run = await codex(["anything"]);
    expect(run.code).toBe(1);
    expect(run.events.at(-1)).toMatchObject({
      type: "turn.failed",
      error: { message: expect.stringContaining("scripted outage") },
    });
  });

  it("answers --output-schema with a valid JSON instance (jsonAuto)", async () => {
    await serve({ rules: [{ jsonAuto: true }] });
    const schemaFile = join(cwd, "schema.json");
    await writeFile(
      schemaFile,
      JSON.stringify({
        type: "object",
        properties: {
          summary: { type: "string" },
          risks: {
            type: "array",
            items: {
              type: "object",
              properties: { severity: { type: "string", enum: ["low", "high"] }, file: { type: "string" } },
              required: ["severity", "file"],
              additionalProperties: false,
            },
          },
        },
        required: ["summary", "risks"],
        additionalProperties: false,
      }),
    );
    // "review" alone would be codex's `exec review` subcommand: `--` keeps it a prompt.
    const run = await codex(["--output-schema", schemaFile, "--", "review"]);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(finalMessage(run)!)).toEqual({ summary: "", risks: [] });
    const body = server!.requests[0]!.body as { text: { format: { type: string; schema: unknown } } };
    expect(body.text.format.type).toBe("json_schema");
  });

  it("replays the first turn's history when a thread is resumed", async () => {
    await serve({
      rules: [
        { match: "first question", reply: "FIRST-ANSWER-7f3a" },
        { match: "second question", contains: "FIRST-ANSWER-7f3a", reply: "saw the history" },
        { match: "second question", reply: "history missing" },
      ],
    });
    const first = await codex(["first question"]);
    expect(first.code, first.stderr).toBe(0);
    const threadId = first.events[0]!.thread_id as string;
    expect(first.events[0]).toMatchObject({ type: "thread.started" });

    const second = await codex(["resume", threadId, "second question"]);
    expect(second.code, second.stderr).toBe(0);
    expect(second.events[0]).toMatchObject({ type: "thread.started", thread_id: threadId });
    expect(finalMessage(second)).toBe("saw the history");
    expect(server!.requests[1]).toMatchObject({ rule: 1, lastUserText: "second question" });
  });
});
