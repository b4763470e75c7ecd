import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach } from "vitest";
import { codexParser } from "../../src/backends/codex/events.ts";
import type { ProcessBackend } from "../../src/backends/types.ts";
import { Pool } from "../../src/core/pool.ts";

export const FAKE_WORKER = fileURLToPath(new URL("../fixtures/fake-worker.mjs", import.meta.url));

/** A backend that runs test/fixtures/fake-worker.mjs, which speaks codex's JSONL. */
export function fakeBackend(name = "fake"): ProcessBackend {
  const stateDir = mkdtempSync(join(tmpdir(), "baton-fake-"));
  return {
    name,
    resolve: () => process.execPath,
    parser: codexParser,
    command: (request) => ({
      file: process.execPath,
      args: [FAKE_WORKER, request.prompt, ...(request.threadId ? [request.threadId] : [])],
      env: { ...process.env, FAKE_STATE_DIR: stateDir },
    }),
  };
}

/**
 * `makePool()` for one test file: a pool on the fake backend (concurrency 4 unless given), the last one
 * made shut down after each test.
 */
export function fakePools(): (options?: Partial<ConstructorParameters<typeof Pool>[0]>) => Pool {
  let pool: Pool | undefined;
  afterEach(async () => {
    await pool?.shutdown();
    pool = undefined;
  });
  return (options = {}) => {
    pool = new Pool({ backends: fakeBackend(), concurrency: 4, ...options });
    return pool;
  };
}
