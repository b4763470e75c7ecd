import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { eventually } from "../helpers/processes.ts";
import { startRaw, workersOf } from "./raw-server.ts";

// Memory stays bounded over a long session: a closed agent's texts live in the run record on disk, not
// in the server. The worker is a shell stand-in for codex (reads its prompt, answers 50 KB): cheap
// enough for 2000 agents, each with a 50 KB prompt and a 50 KB final message.
const QUICK_CODEX = fileURLToPath(new URL("./fixtures/quick-codex.sh", import.meta.url));
let stop: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stop?.();
  stop = undefined;
});

const rssMb = (pid: number) => {
  const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"))?.[1];
  return Number(kb) / 1024;
};

// The full measurement is 2000 cycles (BATON_MCP_CYCLES=2000, about 5 minutes on 2 loaded cores);
// npm test runs a short form.
const CYCLES = Number(process.env.BATON_MCP_CYCLES ?? 300);
const WARM_UP = Math.min(400, Math.floor(CYCLES / 4));

describe("bounded memory", () => {
  it(
    `${CYCLES} spawn → wait → close cycles with 50 KB messages grow the server's RSS by less than 30 MB`,
    async () => {
      const server = startRaw(["--concurrency", "8"], { answerMs: 60_000, codexBin: QUICK_CODEX });
      stop = server.stop;
      await server.initialize();
      const pid = server.child.pid!;
      const message = "0123456789abcdef".repeat(3_200); // 51 200 bytes
      let done = 0;
      const cycle = async () => {
        const id = (await server.callTool("spawn_agent", { message })).agent_id as string;
        const waited = await server.callTool("wait", { ids: [id], timeout_ms: 30_000 });
        expect(waited.end_reasons).toEqual({ [id]: "completed" });
        await server.callTool("close_agent", { id });
        done++;
      };
      const run = async (cycles: number, lanes = 8) => {
        await Promise.all(
          Array.from({ length: lanes }, async (_, lane) => {
            for (let k = lane; k < cycles; k += lanes) await cycle();
          }),
        );
      };
      const started = Date.now();
      await run(WARM_UP); // warm up: the heap settles at its working size
      const before = rssMb(pid);
      const samples: string[] = [];
      const step = Math.ceil((CYCLES - WARM_UP) / 4);
      for (let left = CYCLES - WARM_UP; left > 0; left -= step) {
        await run(Math.min(step, left));
        samples.push(`${done}: ${rssMb(pid).toFixed(1)}`);
      }
      const after = rssMb(pid);
      expect(done).toBe(CYCLES);
      console.log(
        `memory: ${done} cycles in ${Math.round((Date.now() - started) / 1000)} s; RSS ${before.toFixed(1)} MB after ${WARM_UP}, ${after.toFixed(1)} MB after ${CYCLES} (+${(after - before).toFixed(1)} MB; ${samples.join(", ")})`,
      );
      expect(after - before).toBeLessThan(30);
      const listed = await server.callTool("list_agents", { cursor: String(CYCLES - 10) });
      expect(listed).toMatchObject({ total: CYCLES, next_cursor: null });
      server.child.stdin!.end();
      expect(await server.exit).toBe(0);
      expect(await eventually(() => workersOf(pid).length === 0, 5_000)).toBe(true);
    },
    CYCLES * 600,
  );
});
