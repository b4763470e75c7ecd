import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { codexParser } from "../../src/backends/codex/events.ts";
import type { ProcessBackend } from "../../src/backends/types.ts";

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
