import { execFileSync, spawnSync } from "node:child_process";
import {
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

// The package as a user gets it: `npm pack`, then a global install of the tarball into an empty prefix,
// run with an empty HOME from a directory that has nothing to do with the clone.
const REPO = resolve(fileURLToPath(new URL("../..", import.meta.url)));
const PKG = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as {
  name: string;
  dependencies: Record<string, string>;
};
const NODE_DIR = dirname(process.execPath);
const root = mkdtempSync(join(tmpdir(), "baton-package-"));
const prefix = join(root, "prefix");
const home = join(root, "home");
const work = join(root, "somewhere-else");
const installed = join(prefix, "lib", "node_modules", PKG.name);
let tarball = "";

/** The npm cache of the machine (so the test does not download what is already there); HOME stays empty. */
const npmCache = execFileSync("npm", ["config", "get", "cache"], { encoding: "utf8" }).trim();

function npm(args: string[], cwd: string) {
  const r = spawnSync("npm", [...args, "--cache", npmCache, "--prefer-offline", "--no-audit", "--no-fund"], {
    cwd,
    encoding: "utf8",
    timeout: 420_000,
    env: { ...process.env, PATH: `${NODE_DIR}:${process.env.PATH}`, HOME: home },
  });
  if (r.status !== 0)
    throw new Error(`npm ${args.join(" ")} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  return r.stdout + r.stderr;
}

/** `baton` from the installed package, with only node, the system and `extraPath` on PATH. */
function baton(args: string[], extraPath: string[] = []) {
  const r = spawnSync(join(prefix, "bin", "baton"), args, {
    cwd: work,
    encoding: "utf8",
    timeout: 120_000,
    env: {
      PATH: [...extraPath, join(prefix, "bin"), NODE_DIR, "/usr/bin", "/bin"].join(":"),
      HOME: home,
      LANG: "C.UTF-8",
    },
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function apparentSize(dir: string): number {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += apparentSize(path);
    else if (entry.isFile()) total += statSync(path).size;
  }
  return total;
}

beforeAll(() => {
  for (const dir of [prefix, home, work]) mkdirSync(dir, { recursive: true });
  writeFileSync(join(work, "notes.md"), "# Notes\n\nA file to review.\n");
  const packed = npm(["pack", "--pack-destination", root], REPO);
  const name = readdirSync(root).find((f) => f.endsWith(".tgz"));
  if (!name) throw new Error(`npm pack made no tarball:\n${packed}`);
  tarball = join(root, name);
  const log = npm(["install", "-g", "--prefix", prefix, tarball], root);
  expect(log).not.toMatch(/EBADENGINE/);
}, 900_000);
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("the packed tarball, installed globally", () => {
  it("has only the runtime dependencies and stays small", () => {
    const modules = readdirSync(join(installed, "node_modules"));
    // bullmq and ioredis are optional peers, loaded only by the fleet (src/fleet/deps.ts).
    for (const dev of [
      "typescript",
      "vitest",
      "@biomejs",
      "@openai",
      "@anthropic-ai",
      "node",
      "bullmq",
      "ioredis",
    ])
      expect(modules).not.toContain(dev);
    for (const dep of Object.keys(PKG.dependencies))
      expect(statSync(join(installed, "node_modules", dep)).isDirectory()).toBe(true);
    const mb = apparentSize(installed) / 1e6;
    console.log(`installed package: ${mb.toFixed(1)} MB (sum of file sizes)`);
    expect(mb).toBeLessThan(30);
    // The tarball ships the build, the rehearsal script and the orchestration skill, not the sources.
    expect(readdirSync(installed).sort()).toEqual(
      expect.arrayContaining(["dist", "docs", "examples", "package.json", "README.md"]),
    );
    expect(readdirSync(installed)).not.toContain("src");
  });

  it("`baton --help` works from any directory", () => {
    const r = baton(["--help"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^Usage: baton /);
    expect(r.stdout).toMatch(/doctor/);
  });

  it("`baton doctor` without a codex says so; with the user's codex on PATH it names that binary", () => {
    const none = baton(["doctor"]);
    expect(none.code).toBe(1);
    expect(none.stdout).toMatch(/codex {4}✗ not ready/);
    expect(none.stdout).toMatch(/install it: npm i -g @openai\/codex/);
    expect(none.stdout).not.toMatch(/pinned/);

    const userBin = join(root, "user-bin");
    mkdirSync(userBin, { recursive: true });
    symlinkSync(join(REPO, "node_modules", ".bin", "codex"), join(userBin, "codex"));
    const found = baton(["doctor", "--json"], [userBin]);
    const report = JSON.parse(found.stdout) as {
      backends: { name: string; source?: string; version?: string }[];
    };
    expect(report.backends[0]).toMatchObject({ name: "codex", source: "path", version: "codex-cli 0.169.0" });
  });

  it("the fleet without its optional packages says what to install (exit 1, no stack trace)", () => {
    const r = baton([
      "worker",
      "--queue",
      "redis://127.0.0.1:1",
      "--backend",
      "command",
      "--command",
      "cat {prompt_file}",
    ]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toMatch(/needs the optional packages bullmq@6\.7\.0 ioredis@5\.11\.1/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it("`baton run --rehearse` runs a review from an unrelated directory", () => {
    const userBin = join(root, "user-bin");
    const r = baton(["run", "--rehearse", "Review notes.md for clarity", "--pattern", "review"], [userBin]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/REHEARSAL/);
    expect(r.stderr).toMatch(/workers: codex-cli 0\.169\.0 — .*user-bin\/codex \(on PATH\)/);
    expect(r.stdout + r.stderr).toMatch(/COMPLETED/);
    expect(readdirSync(join(work, ".baton", "runs"))).toHaveLength(1);
  });
});
