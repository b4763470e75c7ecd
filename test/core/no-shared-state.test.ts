import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { isAlive, ProcReader, readProc, snapshot } from "../../src/core/process/procfs.ts";
import { Supervisor } from "../../src/core/process/supervisor.ts";

const SRC = fileURLToPath(new URL("../../src", import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [],
  );
}

// Module-level state that is allowed, and why.
const ALLOWED: Record<string, string> = {
  // A memo of a fact about this process (its pid and start time), the same for every reader.
  "core/process/owner.ts": "let self",
  // Keyed by its owner (the server's ToolContext) and gone with it.
  "mcp/map-tool.ts": "const maps = new WeakMap",
};

describe("no hidden process-wide state in the library", () => {
  it("src/ (but the CLI, the application) has no module-level let, Map or WeakMap", () => {
    const found: string[] = [];
    for (const file of sources(SRC)) {
      const rel = relative(SRC, file);
      if (rel.startsWith("cli/")) continue;
      for (const [n, line] of readFileSync(file, "utf8").split("\n").entries()) {
        if (!/^(export )?(let |(const|var) \w+(: [^=]+)? = new (Map|WeakMap)\b)/.test(line)) continue;
        if (ALLOWED[rel] && line.startsWith(ALLOWED[rel])) continue;
        found.push(`${rel}:${n + 1}: ${line}`);
      }
    }
    expect(found).toEqual([]);
  });

  it("two supervisors in one process share nothing: one's killAll leaves the other's children alone", async () => {
    const a = new Supervisor({ sidecar: false });
    const b = new Supervisor({ sidecar: false });
    expect(a.id).not.toBe(b.id);
    const spec = { file: "sleep", args: ["30"], cwd: process.cwd() };
    const childA = a.spawn({ ...spec, tag: `${a.scope()}:x` });
    const childB = b.spawn({ ...spec, tag: `${b.scope()}:x` });
    expect([a.liveCount, b.liveCount]).toEqual([1, 1]);
    a.killAll();
    await childA.done;
    expect(a.liveCount).toBe(0);
    expect(b.liveCount).toBe(1);
    expect(isAlive(childB.pid!)).toBe(true);
    b.dispose();
    await childB.done;
    expect(isAlive(childB.pid!)).toBe(false);
  });

  it("each ProcReader has its own buffer, grown as needed, and reads the same as a fresh one", () => {
    const one = new ProcReader();
    const two = new ProcReader();
    const big = one.text(`/proc/${process.pid}/environ`, "latin1")!;
    expect(big.length).toBeGreaterThan(0);
    expect(two.text(`/proc/${process.pid}/environ`, "latin1")).toBe(big);
    // The buffer one grew for the environment does not leak old bytes into a short read.
    expect(readProc(process.pid, one)).toEqual(readProc(process.pid));
    expect(snapshot(one).some((p) => p.pid === process.pid)).toBe(true);
  });
});
