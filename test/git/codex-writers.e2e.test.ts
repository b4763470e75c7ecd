import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { type Rehearsal, startRehearsal } from "../../src/rehearsal/rehearsal.ts";
import { runTask } from "../../src/run/run.ts";
import { makeRepo, sh, type TestRepo } from "./helpers.ts";

// The real codex CLI as a writer in its own worktree (workspace-write sandbox), against a scripted
// model that makes each section worker run one shell command writing its file.
let repo: TestRepo;
let rehearsal: Rehearsal;
beforeAll(async () => {
  repo = makeRepo();
  const script = join(repo.tempDir("script"), "writers.yaml");
  const section = (file: string) => ({
    match: `/FOCUS: ${file.replace(".", "\\.")}/`,
    steps: [{ shell: `printf 'written by codex\\n' > ${file}` }, { jsonAuto: true }],
  });
  writeFileSync(
    script,
    stringify({ rules: [section("a.txt"), section("b.txt")], default: { jsonAuto: true } }),
  );
  rehearsal = await startRehearsal(script);
});
afterAll(async () => {
  await rehearsal?.close();
  repo?.cleanup();
});

describe("parallel writers with the real codex CLI", () => {
  it("two codex writers edit their files in their own worktrees; both branches are merged", async () => {
    const view = await runTask({
      task: "Write your slice",
      pattern: "split",
      sections: ["a.txt", "b.txt"],
      write: true,
      writers: "worktree",
      backends: rehearsal.backend,
      cwd: repo.dir,
      home: repo.tempDir("home"),
      timeoutMs: 60_000,
    });
    expect(view.error).toBeUndefined();
    expect(view.result!.merges!.map((m) => [m.label, m.merged])).toEqual([
      ["a.txt", true],
      ["b.txt", true],
    ]);
    expect(readFileSync(join(repo.dir, "a.txt"), "utf8")).toBe("written by codex\n");
    expect(readFileSync(join(repo.dir, "b.txt"), "utf8")).toBe("written by codex\n");
    expect(sh(repo.dir, "worktree", "list", "--porcelain").match(/^worktree /gm)).toHaveLength(1);
    expect(view.status).toBe("completed");
  });
});
