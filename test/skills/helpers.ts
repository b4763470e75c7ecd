import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { loadSkillConfig } from "../../src/skills/config/load.ts";
import type { SkillConfig } from "../../src/skills/config/schema.ts";
import { commitStaged, stageFiles } from "../../src/skills/package/write.ts";
import { renderPackage } from "../../src/skills/render/package.ts";

export const FIXTURES = resolve(fileURLToPath(new URL("./fixtures", import.meta.url)));
export const CLAUDE_PROJECT = join(FIXTURES, "claude-project", ".claude");
export const REPO_ROOT = resolve(FIXTURES, "../../..");

/** A temporary directory per test; remove it in afterEach. */
export async function tempDir(
  prefix = "baton-skills-",
): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), prefix));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

export async function reviewConfig(overrides: Partial<SkillConfig> = {}): Promise<SkillConfig> {
  return { ...(await loadSkillConfig(join(FIXTURES, "review.skill.yaml"))), ...overrides };
}

/** Writes a package rendered from `config` to `<parent>/<config.name>` without validating it. */
export async function writeRendered(config: SkillConfig, parent: string): Promise<string> {
  const dir = join(parent, config.name);
  await commitStaged(await stageFiles(dir, renderPackage(config)), dir, false);
  return dir;
}
