import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { commandBackend } from "../../../src/backends/command/backend.ts";
import { Pool } from "../../../src/core/pool.ts";

const AGENT = fileURLToPath(new URL("../fixtures/tty-agent.mjs", import.meta.url));
let pool: Pool | undefined;
afterEach(async () => {
  await pool?.shutdown();
});

const answer = async (pty: boolean, message: string) => {
  pool = new Pool({ backends: commandBackend({ command: `${process.execPath} ${AGENT} {prompt}`, pty }) });
  const id = pool.spawn({ message });
  return (await pool.wait([id], { timeoutMs: 10_000 })).status[id];
};

describe("command backend on a pseudo-terminal", () => {
  it("gives the tool a terminal and returns its answer without terminal escapes", async () => {
    expect(await answer(true, "hello")).toEqual({ completed: "tty:true hello" });
    expect(await answer(false, "hello")).toEqual({ completed: "\u001b[32mtty:false\u001b[0m hello" });
  });

  it("passes a hostile prompt as data, never as shell code", async () => {
    const prompt = `"; touch /tmp/baton-pwned; echo "$(id)" \`id\``;
    expect(await answer(true, prompt)).toEqual({ completed: `tty:true ${prompt}` });
  });

  it("refuses a template that would send the prompt to the terminal's stdin", () => {
    expect(() => commandBackend({ command: "my-agent --stdin", pty: true })).toThrow(
      /--pty needs \{prompt\} or \{prompt_file\}/,
    );
  });
});
