import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type CodexAppBackendOptions, codexAppBackend } from "../../../src/backends/codex-app/backend.ts";
import { ownerId } from "../../../src/core/process/owner.ts";
import { taggedProcesses } from "../../../src/core/process/procfs.ts";
import { parseModelScript } from "../../../src/model-server/script.ts";
import { type ModelServer, startModelServer } from "../../../src/model-server/server.ts";
import { makeCodexTestEnv } from "../../helpers/codex-home.ts";

/** What the scripted model answers in the codex-app tests. */
export const APP_SCRIPT = parseModelScript({
  rules: [
    { match: "APP-REMEMBER", reply: "noted" },
    { match: "APP-RECALL", contains: "secret=kiwi", reply: "the secret is kiwi" },
    { match: "APP-RECALL", reply: "I don't know" },
    { match: "APP-HANG", hang: true },
    // A shell whose two grandchildren leave its session: an interrupt of the turn does not reach them.
    {
      match: "APP-GRANDCHILDREN",
      steps: [{ shell: "setsid sleep 317 & setsid sleep 318 & wait" }, { reply: "never" }],
    },
    { match: "APP-QUICK", reply: "quick" },
  ],
  default: { reply: "unscripted" },
});

export interface AppHarness {
  server: ModelServer;
  cwd: string;
  env: NodeJS.ProcessEnv;
  codexBin: string;
  backend(options?: CodexAppBackendOptions): ReturnType<typeof codexAppBackend>;
  cleanup(): Promise<void>;
}

export async function startAppHarness(): Promise<AppHarness> {
  const server = await startModelServer({ script: APP_SCRIPT, idleTimeoutMs: 0 });
  const t = await makeCodexTestEnv({ baseUrl: server.url });
  const cwd = await mkdtemp(join(tmpdir(), "baton-codex-app-cwd-"));
  return {
    server,
    cwd,
    env: t.env,
    codexBin: t.codexBin,
    backend: (options = {}) => codexAppBackend({ codexPath: t.codexBin, env: t.env, ...options }),
    cleanup: async () => {
      await server.close();
      await Promise.all([t.cleanup(), rm(cwd, { recursive: true, force: true, maxRetries: 3 })]);
    },
  };
}

/** Live processes of this process's app-servers (tag `<owner>:<pool>:codex-app-server:<n>`): the servers and their helpers. */
export function serverProcesses(owner = ownerId()): number[] {
  return taggedProcesses((t) => t.startsWith(`${owner}:`) && t.split(":")[2] === "codex-app-server").map(
    (p) => p.pid,
  );
}

/** The app-servers themselves among them. */
export function appServers(owner = ownerId()): number[] {
  return serverProcesses(owner).filter((pid) => / app-server( |$)/.test(commandName(pid)));
}

export function commandName(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "latin1").replaceAll("\0", " ").trim();
  } catch {
    return "";
  }
}
