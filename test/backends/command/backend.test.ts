import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { commandBackend, promptText } from "../../../src/backends/command/backend.ts";
import { createBackend } from "../../../src/backends/registry.ts";
import { Pool } from "../../../src/core/pool.ts";
import { isBatonError } from "../../../src/errors.ts";
import { shellQuote, TOY_AGENT } from "../harnesses.ts";

const TOY = `${shellQuote(process.execPath)} ${shellQuote(TOY_AGENT)}`;
const cwd = mkdtempSync(join(tmpdir(), "baton-command-test-"));
let pool: Pool | undefined;

afterEach(async () => {
  await pool?.shutdown();
  pool = undefined;
});
afterAll(() => rmSync(cwd, { recursive: true, force: true }));

async function runOnce(command: string, message: string, extra: { outputFile?: string } = {}) {
  pool = new Pool({ backends: commandBackend({ command, ...extra }), cwd });
  const id = pool.spawn({ message });
  const result = await pool.wait([id], { timeoutMs: 10_000 });
  return { status: result.status[id]!, agent: pool.get(id)! };
}

describe("command backend", () => {
  it("passes the prompt as one argument, never through a shell", async () => {
    const prompt = `ECHO-ARGV it's "quoted"; $(touch pwned) | cat \`id\``;
    const { status } = await runOnce(`${TOY} --message {prompt}`, prompt);
    expect(JSON.parse(status.completed!)).toEqual({ argv: ["--message", prompt], stdin: null });
  });

  it("without {prompt} writes the prompt to stdin", async () => {
    const { status } = await runOnce(TOY, "ECHO-ARGV from stdin");
    expect(JSON.parse(status.completed!)).toEqual({ argv: [], stdin: "ECHO-ARGV from stdin" });
  });

  it("reads the final message from {output_file} instead of stdout", async () => {
    const { status } = await runOnce(`${TOY} --out {output_file}`, "CONF-REMEMBER this");
    expect(status).toEqual({ completed: "noted" });
  });

  it("reads the final message from --output-file, relative to the working directory", async () => {
    const { status } = await runOnce(`${TOY} --out answer.txt`, "CONF-REMEMBER this", {
      outputFile: "answer.txt",
    });
    expect(status).toEqual({ completed: "noted" });
  });

  it("fails a turn whose output file was never written", async () => {
    const { status } = await runOnce(TOY, "CONF-REMEMBER this", { outputFile: "never-written.txt" });
    expect(status.errored).toMatch(/exited with code 0 but wrote no final message to .*never-written\.txt/);
  });

  it("a non-zero exit is errored with the tool's stderr", async () => {
    const { status, agent } = await runOnce(TOY, "CONF-FAIL");
    expect(status.errored).toMatch(/exited with code 2: toy-agent: conformance-failure-7f3a/);
    expect(agent.endReason).toBe("failed");
  });

  it("a prompt with a NUL byte fails its turn instead of crashing the spawn", async () => {
    const { status } = await runOnce(`${TOY} --message {prompt}`, "bad\0byte");
    expect(status.errored).toMatch(/NUL byte.*\{prompt_file\} or stdin/);
  });

  it("a missing program is errored with advice", async () => {
    const { status } = await runOnce("/nonexistent/agent {prompt}", "hello");
    expect(status.errored).toMatch(/"\/nonexistent\/agent" of --command was not found or is not executable/);
  });

  it("a follow-up turn carries the transcript, including a turn that was stopped", async () => {
    pool = new Pool({
      backends: commandBackend({ command: `${TOY} --message {prompt}` }),
      cwd,
      killGraceMs: 200,
    });
    const id = pool.spawn({ message: "CONF-REMEMBER secret=kiwi" });
    await pool.wait([id], { timeoutMs: 10_000 });
    pool.sendInput(id, "CONF-HANG for a while");
    await pool.wait([id], { timeoutMs: 200 });
    pool.sendInput(id, "ECHO-ARGV show me", { interrupt: true });
    const result = await pool.wait([id], { timeoutMs: 10_000 });
    const prompt = (JSON.parse(result.status[id]!.completed!).argv as string[])[1]!;
    expect(prompt).toContain("--- message 1 ---\nCONF-REMEMBER secret=kiwi\n--- your reply 1 ---\nnoted");
    expect(prompt).toContain(
      "--- message 2 ---\nCONF-HANG for a while\n--- your reply 2 ---\n(none: that turn was stopped before it finished)",
    );
    expect(prompt.endsWith("--- new message ---\nECHO-ARGV show me")).toBe(true);
    expect(pool.get(id)!.turns.map((t) => t.endReason)).toEqual(["completed", "interrupted", "completed"]);
  });
});

describe("promptText", () => {
  it("adds role instructions and asks for JSON when a schema is given (a plain command cannot enforce it)", () => {
    const text = promptText(
      {
        agentId: "a",
        prompt: "Review x",
        cwd,
        sandbox: "read-only",
        scratchDir: cwd,
        instructions: "You review.",
        outputSchema: { type: "object" },
      },
      [],
    );
    expect(text).toBe(
      'Instructions:\nYou review.\n\nReview x\n\nReply with one JSON value and nothing else. It must match this JSON Schema:\n{"type":"object"}',
    );
  });
});

describe("createBackend", () => {
  it("knows codex, claude and command", () => {
    expect(createBackend("codex").name).toBe("codex-app");
    expect(createBackend("codex-exec").name).toBe("codex");
    expect(createBackend("claude").name).toBe("claude");
    expect(createBackend("command", { command: "aider --message {prompt}" }).name).toBe("command");
  });

  it("refuses unknown names and a command backend without a command, as usage errors", () => {
    const codeOf = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        return isBatonError(error) ? `${error.code}: ${error.message}` : String(error);
      }
      return "no error";
    };
    expect(codeOf(() => createBackend("gemini"))).toBe(
      'E_USAGE: --backend: unknown backend "gemini"; available: codex, codex-exec, codex-app, claude, command',
    );
    expect(codeOf(() => createBackend("command"))).toMatch(/^E_USAGE: --backend command needs --command/);
  });
});
