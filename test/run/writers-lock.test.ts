import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { Pool } from "../../src/core/pool.ts";
import { makeAnswerer } from "../../src/run/clarify.ts";
import { RunContext } from "../../src/run/context.ts";
import { RunRecorder } from "../../src/run/recorder.ts";
import { renderView } from "../../src/ui/render.ts";
import { fakeBackend } from "../helpers/fake-backend.ts";

const dirs: string[] = [];
let pool: Pool | undefined;
afterEach(async () => {
  await pool?.shutdown();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function context(): RunContext {
  const dir = mkdtempSync(join(tmpdir(), "baton-ctx-"));
  dirs.push(dir);
  const recorder = new RunRecorder(dir);
  pool = new Pool({ backends: fakeBackend(), concurrency: 8, onEvent: recorder.onPoolEvent });
  return new RunContext(pool, recorder, { task: "t", answerer: makeAnswerer(undefined) });
}

describe("many readers, one writer", () => {
  it("readers run together; writers one at a time", async () => {
    const ctx = context();
    const spec = (label: string, write: boolean) => ({
      role: write ? "implementer" : "reviewer",
      label,
      prompt: `${label} sleep:300`,
      write,
    });
    const outcomes = await ctx.workers([
      spec("r1", false),
      spec("w1", true),
      spec("r2", false),
      spec("w2", true),
    ]);
    expect(outcomes.map((o) => o.label)).toEqual(["r1", "w1", "r2", "w2"]);
    const turn = (label: string) => pool!.list().find((a) => a.label === label)!.turns[0]!;
    const [r1, r2, w1, w2] = ["r1", "r2", "w1", "w2"].map(turn);
    // Readers overlap; the writers do not.
    expect(r2!.startedAt).toBeLessThan(r1!.endedAt!);
    expect(w2!.startedAt).toBeGreaterThanOrEqual(w1!.endedAt!);
    // Every agent of the batch was closed.
    expect(pool!.list().every((a) => a.status === "shutdown")).toBe(true);
  });
});

describe("live view", () => {
  it("draws the plan and one row per worker, without colour when asked for none", () => {
    const text = renderView(
      {
        runId: "20261122-070000-abcd",
        dir: "/tmp/x",
        task: "t",
        status: "running",
        pattern: "review",
        startedAt: 0,
        plan: {
          plan: [
            { step: "Run reviewers", status: "completed" },
            { step: "Merge", status: "in_progress" },
            { step: "Synthesise", status: "pending" },
          ],
        },
        agents: [
          {
            id: "agent-1",
            role: "reviewer",
            label: "risks",
            status: "running",
            usage: { inputTokens: 1200, cachedInputTokens: 0, outputTokens: 300, reasoningTokens: 0 },
            startedAt: 1_000,
            lastActivityAt: 0,
            lastActivity: "$ npm test",
          },
        ],
      },
      5_000,
    );
    expect(text.split("\n")).toEqual([
      "baton 20261122-070000-abcd · review · running · 5.0s",
      "  [x] Run reviewers",
      "  [~] Merge",
      "  [ ] Synthesise",
      expect.stringMatching(/^ {2}agent-1 +reviewer +risks +running +4\.0s +1\.5k tok {2}\$ npm test$/),
    ]);
    expect(text).not.toContain("\u001b[");
  });
});
