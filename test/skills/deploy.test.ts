import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parse as parseToml } from "smol-toml";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { deploySkill } from "../../src/skills/package/deploy.ts";
import { validatePackage } from "../../src/skills/validate/validate.ts";
import { reviewConfig, tempDir, writeRendered } from "./helpers.ts";

let tmp: Awaited<ReturnType<typeof tempDir>>;
let pkg: string;
beforeEach(async () => {
  tmp = await tempDir();
  pkg = await writeRendered(await reviewConfig(), join(tmp.dir, "src"));
});
afterEach(async () => {
  await tmp.cleanup();
});

describe("baton skill deploy", () => {
  it("puts the skill in ~/.agents/skills and the roles in $CODEX_HOME/agents (user scope)", async () => {
    const codexHome = join(tmp.dir, "codex-home");
    const home = join(tmp.dir, "home");
    const result = await deploySkill(pkg, { scope: "user", codexHome, home });
    expect(result.skillDir).toBe(join(home, ".agents", "skills", "code-review"));
    expect(result.warnings).toEqual([]);
    expect(result.roles.map((r) => [r.role, r.action, r.to])).toEqual([
      ["correctness-reviewer", "installed", join(codexHome, "agents", "correctness-reviewer.toml")],
      ["security-reviewer", "installed", join(codexHome, "agents", "security-reviewer.toml")],
      ["synthesizer", "installed", join(codexHome, "agents", "synthesizer.toml")],
    ]);
    expect(await readFile(join(result.skillDir, "SKILL.md"), "utf8")).toContain("name: code-review");
    const again = await deploySkill(pkg, { scope: "user", codexHome, home });
    expect(again.skillAction).toBe("unchanged");
    expect(again.roles.every((r) => r.action === "unchanged")).toBe(true);
  });

  it("prefixes a role whose name is taken by a different file, and the deployed skill follows the rename", async () => {
    const root = join(tmp.dir, "project");
    await mkdir(join(root, ".codex", "agents"), { recursive: true });
    const foreign =
      'name = "synthesizer"\ndescription = "someone else\'s"\ndeveloper_instructions = "other"\n';
    await writeFile(join(root, ".codex", "agents", "synthesizer.toml"), foreign);
    const result = await deploySkill(pkg, { scope: "project", root, codexHome: join(tmp.dir, "codex-home") });
    const synth = result.roles.find((r) => r.role === "synthesizer")!;
    expect(synth).toMatchObject({ deployedAs: "code-review-synthesizer", action: "prefixed" });
    expect(await readFile(join(root, ".codex", "agents", "synthesizer.toml"), "utf8")).toBe(foreign);
    const role = parseToml(
      await readFile(join(root, ".codex", "agents", "code-review-synthesizer.toml"), "utf8"),
    );
    expect(role.name).toBe("code-review-synthesizer");
    const deployed = join(root, ".agents", "skills", "code-review");
    const skill = await readFile(join(deployed, "SKILL.md"), "utf8");
    expect(skill).toContain('agent_type: "code-review-synthesizer"');
    expect(skill).not.toContain('agent_type: "synthesizer"');
    // the deployed copy is still a valid package
    const report = await validatePackage(deployed);
    expect(report.autoFails).toEqual([]);
    expect(report.score).toBe(100);
  });

  it("refuses to replace a different skill directory without --force, and refuses failing packages", async () => {
    const codexHome = join(tmp.dir, "codex-home");
    const home = join(tmp.dir, "home");
    await deploySkill(pkg, { scope: "user", codexHome, home });
    await writeFile(join(pkg, "SKILL.md"), `${await readFile(join(pkg, "SKILL.md"), "utf8")}\nMore text.\n`);
    await expect(deploySkill(pkg, { scope: "user", codexHome, home })).rejects.toThrow(
      /already exists with different content; pass --force/,
    );
    expect((await deploySkill(pkg, { scope: "user", codexHome, home, force: true })).skillAction).toBe(
      "replaced",
    );
    await writeFile(
      join(pkg, "SKILL.md"),
      "---\nname: code-review\ndescription: d\n---\nTask({ prompt: 'x' })\n",
    );
    await expect(deploySkill(pkg, { scope: "user", codexHome, home })).rejects.toThrow(
      /does not pass validation/,
    );
  });

  it("--codex-skills puts a user-scope skill in $CODEX_HOME/skills", async () => {
    const codexHome = join(tmp.dir, "codex-home");
    const result = await deploySkill(pkg, { scope: "user", codexHome, home: tmp.dir, codexSkillsDir: true });
    expect(result.skillDir).toBe(join(codexHome, "skills", "code-review"));
  });

  it("warns when project roles go into a project the user's codex config does not trust", async () => {
    const root = join(tmp.dir, "project");
    const codexHome = join(tmp.dir, "codex-home");
    const untrusted = await deploySkill(pkg, { scope: "project", root, codexHome, dryRun: true });
    expect(untrusted.warnings.join("\n")).toMatch(
      /loads .*\.codex\/agents\/\*\.toml only in projects it trusts.*trust_level = "trusted".*--scope user/,
    );
    await mkdir(codexHome, { recursive: true });
    await writeFile(join(codexHome, "config.toml"), `[projects."${tmp.dir}"]\ntrust_level = "trusted"\n`);
    const trusted = await deploySkill(pkg, { scope: "project", root, codexHome, dryRun: true });
    expect(trusted.warnings).toEqual([]);
  });

  it("warns, with a suggested name, when the skill's name is one codex bundles", async () => {
    const clash = await writeRendered(await reviewConfig({ name: "skill-creator" }), join(tmp.dir, "clash"));
    const codexHome = join(tmp.dir, "codex-home");
    const result = await deploySkill(clash, { scope: "user", codexHome, home: tmp.dir, dryRun: true });
    expect(result.warnings.join("\n")).toMatch(
      /"skill-creator" is also the name of a skill codex bundles.*--name skill-creator-custom/,
    );
  });
});
