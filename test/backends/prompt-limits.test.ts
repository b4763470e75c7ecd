import { tmpdir } from "node:os";
import { describe, expect, it } from "vitest";
import { CODEX_MAX_PROMPT_CHARS, codexBackend } from "../../src/backends/codex/backend.ts";
import { commandBackend, promptInArgv } from "../../src/backends/command/backend.ts";
import type { TurnRequest } from "../../src/backends/types.ts";

const request = (prompt: string): TurnRequest => ({
  agentId: "agent-1",
  prompt,
  cwd: tmpdir(),
  sandbox: "read-only",
  scratchDir: tmpdir(),
});

describe("prompt delivery limits", () => {
  it("codex gets the prompt on stdin (argv ends in `-- -`), and one over its input limit is refused up front", () => {
    const codex = codexBackend({ codexPath: process.execPath });
    const turn = codex.command(request("Review src/"));
    expect(turn.args.slice(-2)).toEqual(["--", "-"]);
    expect(turn.stdin).toBe("Review src/");
    expect(turn.args.join(" ")).not.toContain("Review src/");
    expect(() => codex.command(request("x".repeat(CODEX_MAX_PROMPT_CHARS + 1)))).toThrow(
      /codex accepts at most 1048576/,
    );
  });

  it("{prompt} is flagged as argv, and a prompt over 128 KiB names {prompt_file} instead of failing with E2BIG", () => {
    expect(promptInArgv("agent --message {prompt}")).toBe(true);
    expect(promptInArgv("agent --message-file {prompt_file}")).toBe(false);
    expect(promptInArgv("agent")).toBe(false);
    const backend = commandBackend({ command: `${process.execPath} --message {prompt}` });
    expect(() => backend.command(request("x".repeat(200_000)))).toThrow(
      /too long for one argument.*\{prompt_file\}/,
    );
  });
});
