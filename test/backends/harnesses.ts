import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { claudeBackend } from "../../src/backends/claude/backend.ts";
import { codexBackend } from "../../src/backends/codex/backend.ts";
import { codexAppBackend } from "../../src/backends/codex-app/backend.ts";
import { commandBackend } from "../../src/backends/command/backend.ts";
import type { Backend } from "../../src/backends/types.ts";
import { parseModelScript } from "../../src/model-server/script.ts";
import { type ModelServer, startModelServer } from "../../src/model-server/server.ts";
import { makeCodexTestEnv } from "../helpers/codex-home.ts";
import { makeClaudeTestEnv } from "./claude-env.ts";

export const TOY_AGENT = fileURLToPath(new URL("./fixtures/toy-agent.mjs", import.meta.url));

/** The usage the scripted model reports for CONF-USAGE turns. */
export const SCRIPTED_USAGE = { inputTokens: 100, outputTokens: 20 };

/** A JSON Schema for the structured-output check, and the value the scripted model answers with. */
export const VERDICT_SCHEMA = {
  type: "object",
  properties: { verdict: { type: "string" }, count: { type: "integer" } },
  required: ["verdict", "count"],
  additionalProperties: false,
};
export const VERDICT = { verdict: "ok", count: 2 };

/**
 * One script for both real CLIs: codex reads it as the Responses API, claude as the Messages API. The
 * toy agent of the command backend answers the same words the same way.
 */
export const CONFORMANCE_SCRIPT = parseModelScript({
  rules: [
    { match: "CONF-BIG", delayMs: 1_500, reply: "big done" },
    { match: "CONF-PARALLEL alpha", delayMs: 2_500, reply: "alpha done" },
    { match: "CONF-PARALLEL beta", delayMs: 2_500, reply: "beta done" },
    { match: "CONF-PARALLEL gamma", delayMs: 2_500, reply: "gamma done" },
    { match: "CONF-REMEMBER", reply: "noted" },
    { match: "CONF-RECALL", contains: "secret=kiwi", reply: "the secret is kiwi" },
    { match: "CONF-RECALL", reply: "I don't know" },
    { match: "CONF-HANG", hang: true },
    { match: "CONF-AFTER-INTERRUPT", reply: "resumed after interrupt" },
    { match: "CONF-TREE", steps: [{ shell: "tail -f /dev/null" }, { reply: "tree done" }] },
    { match: "CONF-FAIL", fail: "conformance-failure-7f3a" },
    { match: "CONF-USAGE", reply: "counted", usage: SCRIPTED_USAGE },
    { match: "CONF-STRUCT", json: VERDICT },
  ],
  default: { reply: "unscripted" },
});

export interface Harness {
  backend: Backend;
  /** Whether the backend reports token usage (a plain command does not). */
  reportsUsage: boolean;
  /** Whether the backend can make the model answer in a JSON Schema (a plain command can only ask). */
  enforcesSchema: boolean;
  server?: ModelServer;
  /** An empty working directory for the workers. */
  cwd: string;
  cleanup(): Promise<void>;
}

export type BackendUnderTest = "codex" | "codex-app" | "claude" | "command";

/** Starts what a backend needs for the suite: the real CLI against the scripted server, or the toy agent. */
export async function startHarness(name: BackendUnderTest): Promise<Harness> {
  const cwd = await mkdtemp(join(tmpdir(), `baton-${name}-cwd-`));
  const removeCwd = () => rm(cwd, { recursive: true, force: true, maxRetries: 3 });
  if (name === "command") {
    return {
      backend: commandBackend({
        // No placeholder: the prompt goes to the toy agent's stdin, as baton recommends.
        command: `${shellQuote(process.execPath)} ${shellQuote(TOY_AGENT)}`,
      }),
      reportsUsage: false,
      enforcesSchema: false,
      cwd,
      cleanup: removeCwd,
    };
  }
  const server = await startModelServer({ script: CONFORMANCE_SCRIPT, idleTimeoutMs: 0 });
  if (name === "codex" || name === "codex-app") {
    const t = await makeCodexTestEnv({ baseUrl: server.url });
    const options = { codexPath: t.codexBin, env: t.env };
    return {
      backend: name === "codex" ? codexBackend(options) : codexAppBackend(options),
      reportsUsage: true,
      enforcesSchema: true,
      server,
      cwd,
      cleanup: async () => {
        await server.close();
        await Promise.all([t.cleanup(), removeCwd()]);
      },
    };
  }
  const t = await makeClaudeTestEnv({ origin: server.origin });
  return {
    // Claude Code asks before running a command it does not know to be harmless, and baton runs it with
    // nobody to ask (denied at once). The tree check needs one such command, so Bash is allowed as a user
    // would allow it; a narrower rule ("Bash(tail *)") was still denied for a path outside the workspace.
    backend: claudeBackend({ claudePath: t.claudeBin, env: t.env, extraArgs: ["--allowed-tools", "Bash"] }),
    reportsUsage: true,
    enforcesSchema: true,
    server,
    cwd,
    cleanup: async () => {
      await server.close();
      await Promise.all([t.cleanup(), removeCwd()]);
    },
  };
}

/** Quotes a path for a command template (single quotes, as a shell would). */
export function shellQuote(text: string): string {
  return `'${text.replaceAll("'", "'\\''")}'`;
}
