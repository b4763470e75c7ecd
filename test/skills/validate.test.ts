import { readFile, rm, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { formatReport, type ValidationReport, validatePackage } from "../../src/skills/validate/validate.ts";
import { FIXTURES, reviewConfig, tempDir, writeRendered } from "./helpers.ts";

const BROKEN = join(FIXTURES, "broken");

function failed(report: ValidationReport): Record<string, string> {
  return Object.fromEntries(report.checks.filter((c) => !c.pass).map((c) => [c.id, c.reason]));
}
function autoFailed(report: ValidationReport): string[] {
  return report.autoFails.map((a) => a.id);
}

let tmp: Awaited<ReturnType<typeof tempDir>>;
beforeEach(async () => {
  tmp = await tempDir();
});
afterEach(async () => {
  await tmp.cleanup();
});

describe("validation of deliberately broken packages", () => {
  it("a package without SKILL.md: no orchestrator, with the hint to rename orchestrator.md", async () => {
    const report = await validatePackage(join(BROKEN, "no-skill-md"));
    expect(report.passed).toBe(false);
    expect(failed(report).orchestrator).toMatch(
      /orchestrator\.md is there but Codex only loads a file named SKILL\.md/,
    );
    expect(autoFailed(report)).toEqual(expect.arrayContaining(["no-orchestrator", "no-registry"]));
  });

  it("left-over Task()/TaskOutput()/resume: are found with their lines and auto-fail", async () => {
    const report = await validatePackage(join(BROKEN, "leftover-task"));
    expect(autoFailed(report)).toEqual(expect.arrayContaining(["task-left", "no-registry"]));
    const check = report.checks.find((c) => c.id === "no-claude-constructs")!;
    expect(check.pass).toBe(false);
    expect(check.locations).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^SKILL\.md:16 Task\(\)/),
        expect.stringMatching(/^SKILL\.md:17 resume:/),
        expect.stringMatching(/^SKILL\.md:18 TaskOutput\(\)/),
      ]),
    );
  });

  it("frontmatter that breaks the Agent Skills rules auto-fails, naming each line", async () => {
    const report = await validatePackage(join(BROKEN, "bad-frontmatter"));
    const rule = report.autoFails.find((a) => a.id === "agent-skills-frontmatter")!;
    expect(rule.reason).toContain('SKILL.md:2 name "Bad_Name": only lowercase letters');
    expect(rule.reason).toContain("SKILL.md:3 description must not contain < or >");
    expect(rule.reason).toContain("SKILL.md:4 allowed-tools is comma-separated");
    expect(rule.reason).toContain('SKILL.md:5 key "model" is not allowed');
  });

  it("unclosed spawns, waits without timeout or timed_out check, inline role text, broken TOML, TODOs", async () => {
    const report = await validatePackage(join(BROKEN, "unsafe-flow"));
    const reasons = failed(report);
    expect(reasons["spawn-close-balance"]).toBe("spawned agents never closed: b");
    expect(report.checks.find((c) => c.id === "spawn-close-balance")!.locations).toEqual(["SKILL.md:24"]);
    expect(reasons["wait-timeout"]).toMatch(/waits without timeout_ms/);
    expect(report.checks.find((c) => c.id === "wait-timeout")!.locations).toEqual([
      "SKILL.md:25",
      "SKILL.md:26",
    ]);
    expect(reasons["timed-out-handled"]).toMatch(/not kept and checked for \.timed_out/);
    expect(reasons["batch-wait"]).toMatch(/not waited on together/);
    expect(reasons["agent-files"]).toMatch(/agents\/checker\.toml:\d+: TOML does not parse/);
    expect(reasons["no-placeholders"]).toMatch(/placeholders or TODOs left in 1 line/);
    expect(reasons.lifecycle).toMatch(/lacks a timeouts table .* and a close_agent cleanup/);
    expect(reasons["task-message"]).toMatch(/without a Goal, Scope and Deliverables/);
    expect(autoFailed(report)).toEqual(expect.arrayContaining(["spawn-without-close", "inline-role"]));
    expect(report.passed).toBe(false);
  });

  it("a good package scores 100; each single defect costs exactly its check's points", async () => {
    const dir = await writeRendered(await reviewConfig(), tmp.dir);
    const good = await validatePackage(dir);
    expect(good.score).toBe(100);
    expect(good.passed).toBe(true);

    const skillPath = join(dir, "SKILL.md");
    const original = await readFile(skillPath, "utf8");
    await writeFile(skillPath, original.replace("timeout_ms: 300000 })", "})"));
    const noTimeout = await validatePackage(dir);
    expect(noTimeout.score).toBe(96);
    expect(failed(noTimeout)).toEqual({ "wait-timeout": expect.stringMatching(/without timeout_ms/) });

    await writeFile(
      skillPath,
      original.replace(/\n\s*if \(synthesizer2Solution\.timed_out\) \{[\s\S]*?\n\}/, ""),
    );
    const noTimedOut = await validatePackage(dir);
    expect(Object.keys(failed(noTimedOut))).toEqual(["timed-out-handled"]);

    await writeFile(skillPath, original.replace("## Agent Registry", "## Agents"));
    const noRegistry = await validatePackage(dir);
    expect(autoFailed(noRegistry)).toContain("no-registry");
    expect(noRegistry.passed).toBe(false);

    await writeFile(skillPath, original);
    await rm(join(dir, "agents", "synthesizer.toml"));
    const missingRole = await validatePackage(dir);
    expect(failed(missingRole)["agent-files"]).toMatch(/registry agent "synthesizer" has no role/);
    expect(failed(missingRole)["role-by-reference"]).toMatch(/agent_type synthesizer, which is no role/);
  });

  it("the text report lists each check with its points and the failing places", async () => {
    const text = formatReport(await validatePackage(join(BROKEN, "unsafe-flow")));
    expect(text).toMatch(/Structural \d+\/30/);
    expect(text).toMatch(
      /✗ {2}0\/6 every spawn_agent is closed with close_agent — spawned agents never closed: b\n\s+at SKILL\.md:24/,
    );
    expect(text).toMatch(/Score \d+\/100 \(minimum 70\), \d auto-fail: FAILED/);
  });
});

describe("a validator that cannot be fooled", () => {
  it("auto-fails a role TOML codex would skip, and a spawn of a role that does not exist", async () => {
    const tmp = await tempDir();
    try {
      const pkg = await writeRendered(await reviewConfig(), tmp.dir);
      expect((await validatePackage(pkg)).passed).toBe(true);
      await writeFile(
        join(pkg, "agents", "synthesizer.toml"),
        'name = "synthesizer"\ndescription = "x"\n[broken\n',
      );
      const broken = await validatePackage(pkg);
      expect(autoFailed(broken)).toContain("role-invalid");
      expect(broken.passed).toBe(false);
      await writeFile(
        join(pkg, "agents", "synthesizer.toml"),
        'name = "synthesizer"\ndescription = "only two keys"\n',
      );
      expect(autoFailed(await validatePackage(pkg))).toContain("role-invalid");
      await rm(join(pkg, "agents", "synthesizer.toml"));
      const unknown = await validatePackage(pkg);
      expect(unknown.autoFails.find((a) => a.id === "unknown-role")?.reason).toMatch(
        /agent_type synthesizer: no such role/,
      );
    } finally {
      await tmp.cleanup();
    }
  });

  it("auto-fails leftover calls in keyword form, YAML Task: blocks and prose subagent_type, but not mentions", async () => {
    const tmp = await tempDir();
    try {
      const pkg = await writeRendered(await reviewConfig(), tmp.dir);
      const skill = join(pkg, "SKILL.md");
      const original = await readFile(skill, "utf8");
      const cases = [
        '```python\nTask(subagent_type="x", prompt="y")\n```',
        "```\nTask:\n  subagent_type: x\n  prompt: |\n    y\n```",
        'Use the Task tool with subagent_type="x".',
        "```js\nif (a) AskUserQuestion({ questions: [] })\n```",
        "```js\nTaskStop({ task_id: id })\n```",
      ];
      for (const extra of cases) {
        await writeFile(skill, `${original}\n${extra}\n`);
        expect(autoFailed(await validatePackage(pkg)), extra).toContain("task-left");
      }
      const mentions = [
        "| `Task({ subagent_type, prompt })` | starts an agent |",
        "Claude used `TaskOutput({ task_id })` for this.",
        "> `Agent({ prompt })` was the old way.",
        "BAD:\n\n```js\nTask({ prompt: 'vague' })\n```",
      ];
      for (const extra of mentions) {
        await writeFile(skill, `${original}\n${extra}\n`);
        expect(autoFailed(await validatePackage(pkg)), extra).not.toContain("task-left");
      }
    } finally {
      await tmp.cleanup();
    }
  });
});
