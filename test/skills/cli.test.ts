import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { CLAUDE_PROJECT, FIXTURES, REPO_ROOT, tempDir } from "./helpers.ts";

const NODE = join(REPO_ROOT, "node_modules", ".bin", "node");
const MAIN = join(REPO_ROOT, "src", "cli", "main.ts");

function baton(args: string[], env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(NODE, [MAIN, "skill", ...args], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...env },
    timeout: 30_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

let tmp: Awaited<ReturnType<typeof tempDir>>;
beforeEach(async () => {
  tmp = await tempDir();
});
afterEach(async () => {
  await tmp.cleanup();
});

describe("baton skill CLI", () => {
  it("new --from-text → validate → deploy, exit 0 each, --json for scripts", () => {
    const made = baton([
      "new",
      "pr-review",
      "--from-text",
      "Parallel security and test review, then a synthesis",
      "--out",
      tmp.dir,
      "--json",
    ]);
    expect(made.code).toBe(0);
    const json = JSON.parse(made.stdout);
    expect(json).toMatchObject({
      delivered: true,
      dir: join(tmp.dir, "pr-review"),
      report: { passed: true },
    });
    const validated = baton(["validate", join(tmp.dir, "pr-review"), "--json", "--min-score", "90"]);
    expect(validated.code).toBe(0);
    expect(JSON.parse(validated.stdout).score).toBe(100);
    const codexHome = join(tmp.dir, "codex-home");
    const home = join(tmp.dir, "home");
    const deployed = baton(["deploy", join(tmp.dir, "pr-review"), "--scope", "user"], {
      CODEX_HOME: codexHome,
      HOME: home,
    });
    expect(deployed.code).toBe(0);
    expect(deployed.stdout).toContain(
      `skill pr-review (score 100) installed → ${join(home, ".agents", "skills", "pr-review")}`,
    );
    expect(deployed.stdout).toMatch(/role security-reviewer installed → .*agents\/security-reviewer\.toml/);
  });

  it("exit 1 when validation fails, with the report", () => {
    const result = baton(["validate", join(FIXTURES, "broken", "unsafe-flow")]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/FAILED/);
  });

  it("exit 2 on bad usage: bad name, no source without a terminal, two sources, bad --min-score", () => {
    expect(baton(["new", "../evil", "--from-text", "x"]).stderr).toMatch(
      /skill name "\.\.\/evil" is not valid/,
    );
    const noSource = baton(["new", "x", "--out", tmp.dir]);
    expect(noSource.code).toBe(2);
    expect(noSource.stderr).toMatch(/no input source: give --from-text/);
    expect(baton(["new", "x", "--from-text", "a", "--from-prompt", "b"]).code).toBe(2);
    expect(baton(["validate", ".", "--min-score", "abc"]).code).toBe(2);
    expect(
      baton(["new", "x", "--from-config", join(FIXTURES, "bad-input", "broken.yaml"), "--out", tmp.dir])
        .stderr,
    ).toMatch(/broken\.yaml:\d+: the config does not parse/);
    expect(existsSync(join(tmp.dir, "x"))).toBe(false);
  });

  it("convert prints what it did and where; --from-claude is the same conversion", () => {
    const converted = baton(["convert", join(CLAUDE_PROJECT, "skills", "feature-review"), "--out", tmp.dir]);
    expect(converted.code).toBe(0);
    expect(converted.stderr).toMatch(/Roles: code-explorer \(agents\/code-explorer\.toml\), risk-reviewer/);
    expect(converted.stdout).toMatch(/Wrote .*feature-review \(score 100\)/);
    const viaNew = baton([
      "new",
      "fr2",
      "--from-claude",
      join(CLAUDE_PROJECT, "skills", "feature-review"),
      "--out",
      tmp.dir,
      "--json",
    ]);
    expect(viaNew.code).toBe(0);
    expect(JSON.parse(viaNew.stdout)).toMatchObject({ delivered: true, unconverted: [] });
  });

  it("convert exits 3 (partial) when it wrote the package but left a construct for a person", async () => {
    const { mkdir, writeFile } = await import("node:fs/promises");
    const src = join(tmp.dir, "src", "hand-off");
    await mkdir(src, { recursive: true });
    const body = "# Hand off\n\nSummarise the change, then run /workflow:execute with the plan.\n";
    await writeFile(
      join(src, "SKILL.md"),
      `---\nname: hand-off\ndescription: Hands off. Use when testing.\n---\n${body}`,
    );
    const result = baton(["convert", src, "--out", join(tmp.dir, "out")]);
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(
      /NOT CONVERTED .*SKILL\.md:7 \/command hand-off: .* → another Claude command: convert it too and invoke it as \$workflow-execute/,
    );
    expect(existsSync(join(tmp.dir, "out", "hand-off", "SKILL.md"))).toBe(true);
  });

  it("new --from-prompt turns an old Codex custom prompt into a single-file skill", () => {
    const result = baton([
      "new",
      "plan",
      "--from-prompt",
      join(FIXTURES, "prompts", "plan.md"),
      "--out",
      tmp.dir,
      "--json",
    ]);
    expect(result.code).toBe(0);
    const json = JSON.parse(result.stdout);
    expect(json.report.mode).toBe("single");
    expect(json.report.score).toBeGreaterThanOrEqual(80);
  });

  it("--help teaches with examples; schema prints JSON Schema", () => {
    for (const command of ["new", "convert", "validate", "deploy"]) {
      const help = baton([command, "--help"]);
      expect(help.code).toBe(0);
      expect(help.stdout).toContain("Example");
    }
    const schema = JSON.parse(baton(["schema"]).stdout);
    expect(schema.anyOf[0].properties.phases.items.properties.interaction).toBeDefined();
    expect(schema.anyOf[1].properties.phases.items.properties.agents_involved).toBeDefined();
  });
});
