import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { codexBackend } from "../../src/backends/codex/backend.ts";
import {
  CODEX_CLI,
  findWorkerBinary,
  pinnedBinary,
  workerBinaryLine,
} from "../../src/backends/resolve-binary.ts";
import { checkCodex } from "../../src/cli/commands/doctor.ts";

const root = mkdtempSync(join(tmpdir(), "baton-resolve-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A directory with a `codex` of the user's own (a script that prints a version). */
function userCodexDir(): string {
  const dir = join(root, "user-bin");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "codex");
  writeFileSync(file, '#!/bin/sh\necho "codex-cli 9.9.9-user"\n');
  chmodSync(file, 0o755);
  return dir;
}

const basePath = `${dirname(process.execPath)}:/usr/bin:/bin`;

describe("one lookup of the worker CLIs for doctor, run and mcp", () => {
  it("the user's codex on PATH comes first; doctor, the backend and run's line name the same binary", async () => {
    const dir = userCodexDir();
    const env = { PATH: `${dir}:${basePath}`, HOME: root };
    const found = findWorkerBinary(CODEX_CLI, { env });
    expect(found).toEqual({ path: join(dir, "codex"), source: "path" });
    expect(codexBackend({ env }).resolve()).toBe(join(dir, "codex"));
    const doctor = await checkCodex(env);
    expect(doctor).toMatchObject({
      path: join(dir, "codex"),
      source: "path",
      version: "codex-cli 9.9.9-user",
    });
    expect(await workerBinaryLine("codex", join(dir, "codex"), env)).toBe(
      `workers: codex-cli 9.9.9-user — ${join(dir, "codex")} (on PATH)\n`,
    );
  });

  it("rehearsals take the pinned copy first; without a codex on PATH real runs fall back to it and say so", async () => {
    const dir = userCodexDir();
    const withUser = { PATH: `${dir}:${basePath}`, HOME: root };
    expect(findWorkerBinary(CODEX_CLI, { env: withUser, preferPinned: true })).toEqual({
      path: pinnedBinary("codex"),
      source: "pinned",
    });
    const without = { PATH: basePath, HOME: root };
    expect(findWorkerBinary(CODEX_CLI, { env: without })?.source).toBe("pinned");
    const doctor = await checkCodex(without);
    expect(doctor).toMatchObject({ source: "pinned", version: "codex-cli 0.169.0" });
    expect(doctor.notes.join("\n")).toMatch(/baton's own pinned copy, not a codex of yours/);
    expect(await workerBinaryLine("codex", pinnedBinary("codex"), without)).toMatch(
      /^workers: codex-cli 0\.169\.0 — .*node_modules\/\.bin\/codex \(baton's own pinned copy\)\n$/,
    );
  });

  it("$BATON_CODEX_BIN wins; a missing one is an error that names it, not a silent fallback", async () => {
    const dir = userCodexDir();
    const env = { PATH: basePath, HOME: root, BATON_CODEX_BIN: join(dir, "codex") };
    expect(findWorkerBinary(CODEX_CLI, { env })).toEqual({ path: join(dir, "codex"), source: "env" });
    const missing = { ...env, BATON_CODEX_BIN: "/nonexistent/codex" };
    expect(findWorkerBinary(CODEX_CLI, { env: missing })).toBeUndefined();
    expect(() => codexBackend({ env: missing }).resolve()).toThrow(
      /looked for "\/nonexistent\/codex" from BATON_CODEX_BIN/,
    );
  });
});
