import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { commandBackend } from "../../src/backends/command/backend.ts";
import { runTask } from "../../src/run/run.ts";
import { shellQuote, TOY_AGENT } from "../backends/harnesses.ts";

const home = mkdtempSync(join(tmpdir(), "baton-deadline-"));
afterAll(() => rmSync(home, { recursive: true, force: true }));

describe("the run's deadline", () => {
  it("names itself in the errors of the workers it stopped, not the turn deadline", async () => {
    const view = await runTask({
      task: "Review x",
      pattern: "review",
      lenses: ["CONF-HANG one", "CONF-HANG two"],
      timeoutMs: 60_000,
      runTimeoutMs: 1_500,
      backends: commandBackend({ command: `${shellQuote(process.execPath)} ${shellQuote(TOY_AGENT)}` }),
      home,
    });
    // The run failed for the deadline, and says so in its code, not only in words.
    expect(view.status).toBe("failed");
    expect(view.error).toMatchObject({ code: "E_TIMEOUT", message: expect.stringContaining("timed_out") });
    const reviewers = view.agents.filter((a) => a.role === "reviewer");
    expect(reviewers.map((a) => a.endReason)).toEqual(["timed_out", "timed_out"]);
    for (const a of reviewers) {
      expect(a.error).toBe("stopped when the run's deadline (1.5s) passed");
      expect(a.error).not.toMatch(/60000|turn exceeded/);
    }
  });
});
