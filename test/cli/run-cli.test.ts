import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import { DEFAULT_REHEARSAL_SCRIPT } from "../../src/rehearsal/rehearsal.ts";
import { RunJsonSchema } from "../../src/run/view.ts";

const MAIN = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));
let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "baton-cli-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function baton(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(process.execPath, [MAIN, ...args], {
    cwd: dir,
    encoding: "utf8",
    timeout: 120_000,
    env: { ...process.env, BATON_HOME: join(dir, ".baton"), ...env },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("baton run: bad input exits 2, says what is accepted, and leaves no run directory", () => {
  const cases: Array<[string, string[], RegExp]> = [
    [
      "unknown pattern",
      ["run", "task", "--pattern", "bogus"],
      /Allowed choices are auto, review, review-fix/,
    ],
    [
      "bad duration",
      ["run", "task", "--timeout", "ten minutes"],
      /--timeout: "ten minutes" is not a duration; use .* 10m/,
    ],
    [
      "--workers 0",
      ["run", "task", "--workers", "0"],
      /--workers must be a whole number from 1 to 16, got "0"/,
    ],
    [
      "unreadable context",
      ["run", "task", "--context", "missing.yaml"],
      /--context: cannot read "missing.yaml": ENOENT/,
    ],
    ["split without sections", ["run", "task", "--pattern", "split"], /needs at least two --sections/],
    ["one lens", ["run", "task", "--pattern", "review", "--lenses", "only-one"], /2 to 4 lenses, got 1/],
  ];
  for (const [name, args, message] of cases) {
    it(name, () => {
      const r = baton(args);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(existsSync(join(dir, ".baton", "runs"))).toBe(false);
    });
  }
});

describe("baton run with a failing lens (real codex, scripted model)", () => {
  let script: string;
  beforeAll(() => {
    const base = parse(readFileSync(DEFAULT_REHEARSAL_SCRIPT, "utf8"));
    base.rules.unshift({ match: "LENS: clarity", fail: "the model is overloaded" });
    script = join(dir, "failing-lens.yaml");
    writeFileSync(script, stringify(base));
  });

  const review = (...extra: string[]) =>
    baton([
      "run",
      "--rehearse",
      "--script",
      script,
      "Review src/core/pool.ts",
      "--pattern",
      "review",
      ...extra,
    ]);

  it("exits 3 with a partial result that names the failed worker and why", () => {
    const r = review();
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/^PARTIAL \(REHEARSAL/m);
    expect(r.stdout).toMatch(
      /Failed worker: clarity and structure \(agent-3\): failed — .*the model is overloaded/,
    );
    expect(r.stdout).toMatch(/\[critical\] wait\(\) without a timeout can block forever/);
  });

  it("--json prints one object with the run, and status/report/logs read it back", () => {
    const r = review("--json");
    expect(r.code).toBe(3);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ status: "partial", pattern: "review" });
    expect(out.agents.map((a: { role: string }) => a.role)).toEqual([
      "reviewer",
      "reviewer",
      "reviewer",
      "synthesis",
    ]);
    // codex words it "stream disconnected before completion: <the model's error>"
    expect(out.agents[2]).toMatchObject({
      endReason: "failed",
      error: expect.stringMatching(/the model is overloaded$/),
    });
    expect(out.result.failedWorkers).toEqual([
      expect.objectContaining({ label: "clarity and structure", endReason: "failed" }),
    ]);

    // One shape: the run view's --json pick, nothing more; status reads run.json back into the same object.
    expect(RunJsonSchema.strict().parse(out)).toEqual(out);
    const status = baton(["status", out.runId, "--json"]);
    expect(JSON.parse(status.stdout)).toEqual(out);
    const report = baton(["report", out.runId]);
    expect(report.stdout).toMatch(/^# baton run /);
    expect(report.stdout).toMatch(
      /## Failed workers\n\n- clarity and structure \(agent-3\): failed — .*the model is overloaded/,
    );
    const logs = baton(["logs", out.runId]);
    expect(logs.stdout).toMatch(/agent-3 turn 1 ended: failed — .*the model is overloaded/);
    expect(logs.stdout).toMatch(/run\.ended/);
  });
});
