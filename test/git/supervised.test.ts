import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { taggedProcesses } from "../../src/core/process/procfs.ts";
import { Supervisor } from "../../src/core/process/supervisor.ts";
import { isBatonError } from "../../src/errors.ts";
import { Git } from "../../src/git/git.ts";
import { eventually } from "../helpers/processes.ts";
import { makeRepo, type TestRepo } from "./helpers.ts";

let repo: TestRepo | undefined;
const supervisors: Supervisor[] = [];
afterEach(() => {
  for (const s of supervisors.splice(0)) s.dispose();
  repo?.cleanup();
  repo = undefined;
});

function context(timeoutMs?: number) {
  const supervisor = new Supervisor({ sidecar: false });
  supervisors.push(supervisor);
  return { supervisor, git: new Git(supervisor, { timeoutMs }) };
}

// git runs an alias that starts with "!" through the shell: a command baton cannot see hang, with children.
const HANG = ["-c", "alias.hang=!sleep 30; sleep 30", "hang"];

describe("git commands run through the Supervisor", () => {
  it("carry the supervisor's tag", async () => {
    repo = makeRepo();
    const { supervisor, git } = context();
    const tag = await git.out(repo.dir, ["-c", "alias.showtag=!printenv BATON_WORKER", "showtag"]);
    expect(tag.startsWith(`${supervisor.id}.`)).toBe(true);
    expect(tag).toMatch(/:git:\d+$/);
  });

  it("a git command that hangs is killed at the deadline with E_TIMEOUT, and leaves no process", async () => {
    repo = makeRepo();
    const { supervisor, git } = context(400);
    const started = Date.now();
    const error = await git.run(repo.dir, HANG, { allowFail: true }).catch((e: unknown) => e);
    expect(isBatonError(error, "E_TIMEOUT")).toBe(true);
    expect((error as Error).message).toMatch(/git -c alias.hang=.* hang did not finish within 400 ms/);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(supervisor.liveCount).toBe(0);
    expect(taggedProcesses((t) => t.startsWith(`${supervisor.id}.`))).toEqual([]);
    // The repository's lock was released: the next command runs.
    expect(await git.out(repo.dir, ["rev-parse", "--abbrev-ref", "HEAD"])).toBe("main");
  });

  it("the supervisor's killAll ends a running git command (a cancel, a second Ctrl-C)", async () => {
    repo = makeRepo();
    const { supervisor, git } = context();
    await git.repoKey(repo.dir); // from here on, the only process is the hanging command
    const running = git.run(repo.dir, HANG, { allowFail: true });
    for (let i = 0; i < 100 && supervisor.liveCount === 0; i++) await new Promise((r) => setTimeout(r, 20));
    supervisor.killAll();
    const result = await running;
    expect(result.code).not.toBe(0);
    expect(taggedProcesses((t) => t.startsWith(`${supervisor.id}.`))).toEqual([]);
  });

  it("a command that ends while a later one runs does not take it down (one tag per command)", async () => {
    repo = makeRepo();
    const other = makeRepo();
    try {
      const { supervisor, git } = context();
      await Promise.all([git.repoKey(repo.dir), git.repoKey(other.dir)]);
      // Two repositories, so neither waits for the other's lock. The first ends only once the marker
      // exists, and the marker is made once the second is running: the first's exit sweep meets it.
      const go = join(repo.dir, ".go");
      const first = git.out(repo.dir, [
        "-c",
        `alias.slow=!while [ ! -e '${go}' ]; do sleep 0.02; done; echo first`,
        "slow",
      ]);
      const second = git.out(other.dir, ["-c", "alias.slow=!sleep 1; echo second", "slow"]);
      const commands = () =>
        new Set(taggedProcesses((t) => t.startsWith(`${supervisor.id}.`)).map((p) => p.tag));
      expect(await eventually(() => commands().size >= 2, 5_000)).toBe(true);
      writeFileSync(go, "");
      expect(await first).toBe("first");
      expect(await second).toBe("second");
    } finally {
      other.cleanup();
    }
  });

  it("each context has its own repository locks; one context serialises", async () => {
    const a = context().git;
    const b = context().git;
    let running = 0;
    let most = 0;
    const job = async () => {
      running++;
      most = Math.max(most, running);
      await new Promise((r) => setTimeout(r, 20));
      running--;
    };
    await Promise.all([a.withRepoLock("k", job), b.withRepoLock("k", job)]);
    expect(most).toBe(2);
    most = 0;
    await Promise.all([a.withRepoLock("k", job), a.withRepoLock("k", job)]);
    expect(most).toBe(1);
  });
});
