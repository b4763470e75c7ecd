import { execFileSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export interface ClaudeTestEnv {
  home: string;
  env: NodeJS.ProcessEnv;
  claudeBin: string;
  cleanup(): Promise<void>;
}

const REPO_ROOT = resolve(fileURLToPath(new URL("../..", import.meta.url)));

/** Keys that could make claude reach a real model or pick up the developer's own setup. */
const DROPPED_ENV = /^(ANTHROPIC_|CLAUDE_|CLAUDECODE|AWS_|GOOGLE_|VERTEX_|DISABLE_)/;

/**
 * An empty HOME and the environment that points the real `claude` (from the pinned npm package) at a
 * scripted Messages-API server, offline and without retries. Call cleanup() in afterEach/afterAll.
 * @example
 * const server = await startModelServer({ script });
 * const t = await makeClaudeTestEnv({ origin: server.origin });
 * const backend = claudeBackend({ claudePath: t.claudeBin, env: t.env });
 */
export async function makeClaudeTestEnv(opts: { origin: string }): Promise<ClaudeTestEnv> {
  const claudeBin = join(REPO_ROOT, "node_modules", ".bin", "claude");
  try {
    execFileSync(claudeBin, ["--version"], { stdio: "pipe", timeout: 30_000 });
  } catch (error) {
    // The npm package's postinstall links the native binary; without it bin/claude is a stub that exits 1.
    throw new Error(
      `the pinned claude CLI does not run (${(error as Error).message.split("\n")[0]}): ` +
        "reinstall with install scripts enabled (`npm ci`, not `npm ci --ignore-scripts`)",
    );
  }
  const home = await mkdtemp(join(tmpdir(), "baton-claude-"));
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!DROPPED_ENV.test(key)) env[key] = value;
  Object.assign(env, {
    HOME: home,
    ANTHROPIC_BASE_URL: opts.origin,
    ANTHROPIC_API_KEY: "test",
    CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: "1",
    DISABLE_AUTOUPDATER: "1",
    // The scripted failures must fail at once, not after claude's ten retries with backoff.
    CLAUDE_CODE_MAX_RETRIES: "0",
  });
  return {
    home,
    env,
    claudeBin,
    cleanup: () => rm(home, { recursive: true, force: true, maxRetries: 3 }),
  };
}
