import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { readProc } from "../../src/core/process/procfs.ts";
import { writeJsonAtomic } from "../../src/store/atomic.ts";
import { readOwner, releaseRunLock, takeRunLock } from "../../src/store/lock.ts";

const dirs: string[] = [];
const tmp = () => {
  const d = mkdtempSync(join(tmpdir(), "baton-lock-"));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const me = { pid: process.pid, ownerId: `${process.pid}.${readProc(process.pid)!.startTicks}` };

/** A live process other than this one, and its owner id. */
async function otherProcess() {
  const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 20000)"], { stdio: "ignore" });
  await new Promise((r) => child.once("spawn", r));
  return { child, owner: { pid: child.pid!, ownerId: `${child.pid}.${readProc(child.pid!)!.startTicks}` } };
}

describe("run lock (owner.json)", () => {
  it("is taken, refused to a second live owner with its pid named, and released", async () => {
    const dir = tmp();
    const { child, owner } = await otherProcess();
    try {
      takeRunLock(dir, owner);
      expect(() => takeRunLock(dir, me)).toThrow(new RegExp(`owned by baton process ${owner.pid}`));
      expect(readOwner(dir)?.pid).toBe(owner.pid);
      releaseRunLock(dir, me); // not ours: stays
      expect(readOwner(dir)?.pid).toBe(owner.pid);
    } finally {
      child.kill("SIGKILL");
    }
    await new Promise((r) => child.once("exit", r));
    // Its owner is dead now: taken over.
    takeRunLock(dir, me);
    expect(readOwner(dir)?.ownerId).toBe(me.ownerId);
    releaseRunLock(dir, me);
    expect(readOwner(dir)).toBeUndefined();
    expect(readdirSync(dir)).toEqual([]);
  });

  it("a reused pid with another start time is a dead owner", () => {
    const dir = tmp();
    writeJsonAtomic(join(dir, "owner.json"), { pid: process.pid, ownerId: `${process.pid}.1` });
    takeRunLock(dir, me);
    expect(readOwner(dir)?.ownerId).toBe(me.ownerId);
  });

  it("of many processes breaking one dead owner's lock at once, exactly one wins", async () => {
    const dir = tmp();
    writeJsonAtomic(join(dir, "owner.json"), { pid: 999_999_999, ownerId: "999999999.1" });
    const lockModule = new URL("../../src/store/lock.ts", import.meta.url).href;
    const procModule = new URL("../../src/core/process/procfs.ts", import.meta.url).href;
    const script = `
      const { takeRunLock } = await import(${JSON.stringify(lockModule)});
      const { readProc } = await import(${JSON.stringify(procModule)});
      const me = { pid: process.pid, ownerId: process.pid + "." + readProc(process.pid).startTicks };
      try { takeRunLock(process.argv[1], me); console.log("won"); setTimeout(() => {}, 1500); }
      catch (e) { console.log(e.code); }`;
    const results = await Promise.all(
      Array.from({ length: 6 }, () => {
        const child = spawn(process.execPath, ["--input-type=module", "-e", script, dir], {
          stdio: ["ignore", "pipe", "inherit"],
        });
        let out = "";
        child.stdout.on("data", (d) => {
          out += d;
        });
        return new Promise<string>((r) => child.on("close", () => r(out.trim())));
      }),
    );
    expect(results.filter((r) => r === "won")).toHaveLength(1);
    expect(results.filter((r) => r === "E_BUSY")).toHaveLength(5);
  });
});
