import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll } from "vitest";
import { type Rehearsal, startRehearsal } from "../../src/rehearsal/rehearsal.ts";

export interface RehearsalFixture {
  rehearsal: Rehearsal;
  /** A throw-away BATON_HOME. */
  home: string;
  /** A throw-away working directory for the workers. */
  cwd: string;
}

/**
 * The real codex CLI against the scripted model of examples/rehearsal.yaml, with its own home and
 * working directory, for one test file: started before its tests, stopped and removed after them.
 */
export function useRehearsal(): RehearsalFixture {
  const fixture = {} as RehearsalFixture;
  beforeAll(async () => {
    fixture.rehearsal = await startRehearsal();
    fixture.home = mkdtempSync(join(tmpdir(), "baton-home-"));
    fixture.cwd = mkdtempSync(join(tmpdir(), "baton-cwd-"));
  });
  afterAll(async () => {
    await fixture.rehearsal?.close();
    for (const dir of [fixture.home, fixture.cwd]) if (dir) rmSync(dir, { recursive: true, force: true });
  });
  return fixture;
}
