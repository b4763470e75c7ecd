import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join, resolve } from "node:path";
import { BatonError } from "../../errors.ts";
import { BUILTIN_ROLES, nameProblem } from "../parse/names.ts";
import { exists, readTextSafe } from "../parse/safe-fs.ts";
import { readPackage } from "../validate/package-read.ts";
import { type ValidationReport, validatePackage } from "../validate/validate.ts";
import { bundledSkills, codexHomeOf, isTrustedProject, suggestName } from "./codex-env.ts";
import { commitStaged, type PackageFiles, stageFiles } from "./write.ts";

export type DeployScope = "project" | "user";

export interface DeployOptions {
  scope: DeployScope;
  /** Project root for --scope project (default: the current directory). */
  root?: string | undefined;
  /** Where roles go for --scope user and whose config.toml says which projects are trusted (default: $CODEX_HOME or ~/.codex). */
  codexHome?: string | undefined;
  /** The user's home for --scope user: the skill goes to ~/.agents/skills (default: os.homedir()). */
  home?: string | undefined;
  /** --scope user: put the skill in $CODEX_HOME/skills (codex's older location) instead of ~/.agents/skills. */
  codexSkillsDir?: boolean | undefined;
  force?: boolean | undefined;
  dryRun?: boolean | undefined;
}

export interface RoleDeployment {
  role: string;
  /** The name it has once deployed (prefixed with the skill name when the plain name was taken). */
  deployedAs: string;
  to: string;
  action: "installed" | "unchanged" | "prefixed";
  reason?: string;
}

export interface DeployResult {
  skill: string;
  skillDir: string;
  skillAction: "installed" | "unchanged" | "replaced";
  roles: RoleDeployment[];
  report: ValidationReport;
  dryRun: boolean;
  /** Things that would keep codex from using what was deployed (untrusted project, bundled name). */
  warnings: string[];
}

/**
 * Where a deploy writes: the skill in the shared Agent Skills location (`<root>/.agents/skills`,
 * `~/.agents/skills`; or `$CODEX_HOME/skills` when asked), roles where codex reads custom agents
 * (`<root>/.codex/agents`, `$CODEX_HOME/agents`).
 */
export function deployDirs(options: DeployOptions): { skills: string; agents: string } {
  const codexHome = codexHomeOf(options.codexHome);
  if (options.scope === "user") {
    const skills = options.codexSkillsDir
      ? join(codexHome, "skills")
      : join(resolve(options.home ?? homedir()), ".agents", "skills");
    return { skills, agents: join(codexHome, "agents") };
  }
  const root = resolve(options.root ?? process.cwd());
  return { skills: join(root, ".agents", "skills"), agents: join(root, ".codex", "agents") };
}

/**
 * Installs a validated package: the skill into .agents/skills/<name> (or ~/.agents/skills), each
 * role into .codex/agents (or $CODEX_HOME/agents), with warnings when codex would not use them. A role name taken by a different file is
 * deployed as <skill>-<role> and the skill's references follow; nothing is overwritten silently.
 * @example await deploySkill("./code-review", { scope: "user" })
 */
export async function deploySkill(dir: string, options: DeployOptions): Promise<DeployResult> {
  const report = await validatePackage(resolve(dir));
  if (!report.passed) {
    throw new BatonError(
      "E_VALIDATION",
      `${dir} does not pass validation (score ${report.score}, ${report.autoFails.length} auto-fail); run baton skill validate ${dir} and fix it before deploying`,
      { file: dir },
    );
  }
  const pkg = await readPackage(resolve(dir));
  const skill = String(pkg.skill?.frontmatter?.data.name ?? "");
  const dirs = deployDirs(options);
  const files: PackageFiles = new Map();
  for (const file of pkg.files) files.set(file, await readTextSafe(join(pkg.dir, file), { root: pkg.dir }));

  const roles: RoleDeployment[] = [];
  const renames = new Map<string, string>();
  for (const role of pkg.roles.filter((r) => r.source === "toml")) {
    const content = files.get(role.file)!;
    const plain = join(dirs.agents, `${role.name}.toml`);
    const taken = await takenBy(plain, content);
    if (!taken && !BUILTIN_ROLES.includes(role.name)) {
      roles.push({
        role: role.name,
        deployedAs: role.name,
        to: plain,
        action: (await exists(plain)) ? "unchanged" : "installed",
      });
      continue;
    }
    const prefixed = role.name.startsWith(`${skill}-`) ? role.name : `${skill}-${role.name}`;
    if (nameProblem(prefixed))
      throw new BatonError(
        "E_CONFIG",
        `role ${role.name}: the prefixed name "${prefixed}" is not valid (${nameProblem(prefixed)})`,
      );
    const target = join(dirs.agents, `${prefixed}.toml`);
    const renamed = renameRole(content, role.name, prefixed);
    if (await takenBy(target, renamed)) {
      throw new BatonError(
        "E_USAGE",
        `role ${role.name}: ${plain} and ${target} both exist with different content; remove or rename one, then deploy again`,
        { file: target },
      );
    }
    renames.set(role.name, prefixed);
    roles.push({
      role: role.name,
      deployedAs: prefixed,
      to: target,
      action: "prefixed",
      reason: BUILTIN_ROLES.includes(role.name)
        ? `"${role.name}" is a Codex built-in agent type`
        : `${plain} exists with different content`,
    });
  }
  const deployed = rewriteReferences(files, renames);
  const skillDir = join(dirs.skills, skill);
  const skillAction = await skillDirAction(skillDir, deployed, options.force === true);
  if (!options.dryRun) {
    await mkdir(dirs.agents, { recursive: true });
    for (const role of roles) {
      if (role.action === "unchanged") continue;
      const source = pkg.roles.find((r) => r.name === role.role)!;
      const temp = `${role.to}.baton-tmp-${process.pid}`;
      await writeFile(
        temp,
        deployed.get(source.file.replace(`${role.role}.toml`, `${role.deployedAs}.toml`))!,
        { flag: "w" },
      );
      await rename(temp, role.to);
    }
    if (skillAction !== "unchanged")
      await commitStaged(await stageFiles(skillDir, deployed), skillDir, skillAction === "replaced");
  }
  const warnings = await deployWarnings(skill, roles.length, options);
  return { skill, skillDir, skillAction, roles, report, dryRun: options.dryRun === true, warnings };
}

async function deployWarnings(skill: string, roleCount: number, options: DeployOptions): Promise<string[]> {
  const warnings: string[] = [];
  const codexHome = codexHomeOf(options.codexHome);
  const bundled = await bundledSkills(codexHome);
  if (bundled.includes(skill)) {
    warnings.push(
      `"${skill}" is also the name of a skill codex bundles: codex keeps its own and never injects this one. ` +
        `Rename it (e.g. baton skill convert … --name ${suggestName(skill, bundled)}, or rename the directory and the frontmatter name) and deploy again.`,
    );
  }
  if (options.scope === "project" && roleCount > 0) {
    const root = resolve(options.root ?? process.cwd());
    if (!(await isTrustedProject(root, codexHome))) {
      warnings.push(
        `codex loads ${join(root, ".codex", "agents")}/*.toml only in projects it trusts, and ${join(codexHome, "config.toml")} does not trust ${root}: ` +
          `trust it when codex asks on its first run there, add [projects."${root}"] trust_level = "trusted" to that file, or deploy with --scope user.`,
      );
    }
  }
  return warnings;
}

/** True when `path` exists with content other than `content`. */
async function takenBy(path: string, content: string): Promise<boolean> {
  if (!(await exists(path))) return false;
  return (await readFile(path, "utf8")) !== content;
}

function renameRole(toml: string, from: string, to: string): string {
  return toml.replace(new RegExp(`^name\\s*=\\s*"${from}"`, "m"), `name = "${to}"`);
}

/** Follows role renames in every file of the skill: agent_type values, registry rows, file names. */
function rewriteReferences(files: PackageFiles, renames: Map<string, string>): PackageFiles {
  if (renames.size === 0) return files;
  const out: PackageFiles = new Map();
  for (const [path, text] of files) {
    let next = text;
    let nextPath = path;
    for (const [from, to] of renames) {
      if (path === `agents/${from}.toml`) {
        nextPath = `agents/${to}.toml`;
        next = renameRole(next, from, to);
      }
      if (!path.endsWith(".md")) continue;
      next = next
        .replace(new RegExp(`(agent_type:?\\s*)(["'])${from}\\2`, "g"), `$1$2${to}$2`)
        .replace(new RegExp(`(Your role )"${from}"`, "g"), `$1"${to}"`)
        .replace(new RegExp(`agents/${from}\\.toml`, "g"), `agents/${to}.toml`)
        .replace(new RegExp(`^\\| ${from} \\|`, "gm"), `| ${to} |`)
        .replace(new RegExp(`spawn_agent\\(([^)]*)\\b${from}\\b`, "g"), `spawn_agent($1${to}`);
    }
    out.set(nextPath, next);
  }
  return out;
}

async function skillDirAction(
  skillDir: string,
  files: PackageFiles,
  force: boolean,
): Promise<DeployResult["skillAction"]> {
  if (!(await exists(skillDir))) return "installed";
  const same = await sameContent(skillDir, files);
  if (same) return "unchanged";
  if (!force) {
    throw new BatonError(
      "E_USAGE",
      `${skillDir} already exists with different content; pass --force to replace it`,
      { file: skillDir },
    );
  }
  return "replaced";
}

async function sameContent(dir: string, files: PackageFiles): Promise<boolean> {
  try {
    const existing = await readPackage(dir);
    if (existing.files.length !== files.size) return false;
    for (const [path, text] of files) {
      if ((await readFile(join(dir, path), "utf8")) !== text) return false;
    }
    return true;
  } catch {
    return false;
  }
}
