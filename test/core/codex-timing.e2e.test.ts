import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { codexBackend } from "../../src/backends/codex/backend.ts";
import { Pool } from "../../src/core/pool.ts";
import { parseModelScript } from "../../src/model-server/script.ts";
import { type ModelServer, startModelServer } from "../../src/model-server/server.ts";
import { type CodexTestEnv, makeCodexTestEnv } from "../helpers/codex-home.ts";

// The timing proof with the real codex CLI: three agents, each answered after 1 s by the model.
let server: ModelServer;
let codex: CodexTestEnv;
beforeAll(async () => {
  server = await startModelServer({
    port: 0,
    script: parseModelScript({ rules: [{ match: "/^timed (\\w+)$/", delayMs: 1_000, reply: "done" }] }),
  });
  codex = await makeCodexTestEnv({ baseUrl: server.url });
  // A fresh CODEX_HOME is initialised by the first codex that runs (its state databases); a user's
  // is long initialised, so warm this one up before measuring.
  await runThree(1, 1);
});
afterAll(async () => {
  await server.close();
  await codex.cleanup();
});

async function runThree(concurrency: number, count = 3) {
  const pool = new Pool({
    backends: codexBackend({ codexPath: codex.codexBin, env: codex.env }),
    concurrency,
  });
  try {
    const started = Date.now();
    const ids = ["a", "b", "c"].slice(0, count).map((w) => pool.spawn({ message: `timed ${w}` }));
    const result = await pool.wait(ids, { timeoutMs: 30_000 });
    return { elapsed: Date.now() - started, result, turns: ids.map((id) => pool.get(id)!.turns[0]!) };
  } finally {
    await pool.shutdown();
  }
}

describe("spawn → wait with the real codex CLI", () => {
  it("three agents with a 1 s model delay complete together in well under 3 s", async () => {
    const { elapsed, result } = await runThree(3);
    expect(Object.values(result.status)).toEqual([
      { completed: "done" },
      { completed: "done" },
      { completed: "done" },
    ]);
    expect(elapsed).toBeLessThan(2_600);
  });

  it("with concurrency 1 they run one after another", async () => {
    const { elapsed, turns } = await runThree(1);
    expect(elapsed).toBeGreaterThanOrEqual(3_000);
    expect(turns[0]!.endedAt!).toBeLessThanOrEqual(turns[1]!.startedAt);
    expect(turns[1]!.endedAt!).toBeLessThanOrEqual(turns[2]!.startedAt);
  });
});
