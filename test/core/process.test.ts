import { afterEach, describe, expect, it, vi } from "vitest";
import { handleSignals } from "../../src/core/process/signals.ts";
import { Supervisor } from "../../src/core/process/supervisor.ts";
import { ExitSweeper } from "../../src/core/process/sweep.ts";

afterEach(() => {
  vi.restoreAllMocks();
});

describe("handleSignals", () => {
  it("each installation counts its own signals: a second run's first Ctrl-C is graceful again", () => {
    const exit = vi.spyOn(process, "exit").mockImplementation((() => undefined) as never);
    const graceful = vi.fn();
    const killAll = vi.fn();
    const before = process.listenerCount("SIGINT");
    for (let run = 1; run <= 2; run++) {
      const remove = handleSignals({ killAll, graceful });
      process.emit("SIGINT", "SIGINT");
      remove();
    }
    expect(graceful).toHaveBeenCalledTimes(2);
    expect(killAll).not.toHaveBeenCalled();
    expect(exit).not.toHaveBeenCalled();
    expect(process.listenerCount("SIGINT")).toBe(before);
  });

  it("a second, different signal kills everything and exits with its code", () => {
    const exit = vi.spyOn(process, "exit").mockImplementation((() => undefined) as never);
    const killAll = vi.fn();
    const remove = handleSignals({ killAll, graceful: () => {} });
    process.emit("SIGINT", "SIGINT");
    process.emit("SIGINT", "SIGINT"); // the same Ctrl-C again, within a second: ignored
    expect(killAll).not.toHaveBeenCalled();
    process.emit("SIGTERM", "SIGTERM");
    remove();
    expect(killAll).toHaveBeenCalledWith("SIGTERM");
    expect(exit).toHaveBeenCalledWith(143);
  });
});

describe("ExitSweeper", () => {
  it("a sweep that throws still releases every waiter of its batch and reports the error", async () => {
    const errors: unknown[] = [];
    const sweeper = new ExitSweeper((e) => errors.push(e), {
      snapshot: () => {
        throw new Error("no /proc");
      },
      kill: () => {},
    });
    const waits = [1, 2, 3].map((n) => sweeper.afterExit(1_000_000 + n, `tag-${n}`, 0));
    await expect(Promise.all(waits)).resolves.toEqual([undefined, undefined, undefined]);
    expect(errors).toHaveLength(1);
  });
});

describe("Supervisor", () => {
  it("runs a command under a deadline and kills its tree; two supervisors keep separate books", async () => {
    const a = new Supervisor({ sidecar: false });
    const b = new Supervisor({ sidecar: false });
    try {
      const child = a.spawn({
        file: "sh",
        args: ["-c", "sleep 30 & sleep 30"],
        cwd: "/",
        tag: `${a.scope()}:t`,
        timeoutMs: 200,
      });
      expect(a.liveCount).toBe(1);
      expect(b.liveCount).toBe(0);
      const exit = await child.done;
      expect(exit.stoppedFor).toBe("timed_out");
      expect(a.liveCount).toBe(0);
    } finally {
      a.dispose();
      b.dispose();
    }
  });
});
