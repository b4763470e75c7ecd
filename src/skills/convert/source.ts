import { stat } from "node:fs/promises";
import { basename, dirname, extname, join, relative, resolve, sep } from "node:path";
import { BatonError } from "../../errors.ts";
import { exists } from "../parse/safe-fs.ts";

export type ClaudeSourceType = "claude-skill" | "claude-command" | "claude-agent";

export interface ClaudeSource {
  type: ClaudeSourceType;
  /** The skill directory, or the .md file for commands and agents. */
  path: string;
  /** Where relative role look-ups start. */
  root: string;
  defaultName: string;
}

/**
 * Works out what a convert argument is: a skill directory (with SKILL.md), a command .md or a
 * subagent .md (a file inside an `agents/` directory).
 */
export async function identifySource(input: string): Promise<ClaudeSource> {
  const path = resolve(input);
  let info: Awaited<ReturnType<typeof stat>>;
  try {
    info = await stat(path);
  } catch {
    throw new BatonError(
      "E_NOT_FOUND",
      `${input}: no such file or directory; pass a Claude skill directory, a command .md or an agent .md`,
      { file: input },
    );
  }
  if (info.isDirectory()) {
    if (!(await exists(join(path, "SKILL.md")))) {
      const legacy = (await exists(join(path, "orchestrator.md")))
        ? " (orchestrator.md is there: rename it to SKILL.md)"
        : "";
      throw new BatonError(
        "E_NOT_FOUND",
        `${join(input, "SKILL.md")}: missing; a Claude skill directory must contain SKILL.md${legacy}`,
        { file: join(input, "SKILL.md") },
      );
    }
    return { type: "claude-skill", path, root: path, defaultName: basename(path) };
  }
  if (extname(path) !== ".md") {
    throw new BatonError(
      "E_USAGE",
      `${input}: expected a directory or a .md file, got a ${extname(path) || "file without extension"}`,
      { file: input },
    );
  }
  if (basename(path) === "SKILL.md") {
    return {
      type: "claude-skill",
      path: dirname(path),
      root: dirname(path),
      defaultName: basename(dirname(path)),
    };
  }
  if (basename(dirname(path)) === "agents") {
    return { type: "claude-agent", path, root: dirname(path), defaultName: basename(path, ".md") };
  }
  // .claude/commands/ns/cmd.md is /ns:cmd in Claude; the skill is ns-cmd.
  const parts = path.split(sep);
  const commands = parts.lastIndexOf("commands");
  const name =
    commands === -1
      ? basename(path, ".md")
      : relative(parts.slice(0, commands + 1).join(sep), path)
          .replace(/\.md$/, "")
          .split(sep)
          .join("-");
  return { type: "claude-command", path, root: dirname(path), defaultName: name };
}

/**
 * The directories Claude would find subagents in for this source, nearest first: `--agents-dir`,
 * the skill's own `agents/`, the plugin's `agents/` (a plugin root holds `commands/`, `skills/`,
 * `agents/` or `.claude-plugin/`), and `.claude/agents/` upwards.
 */
export async function agentDirs(source: ClaudeSource, extraDirs: string[]): Promise<string[]> {
  const dirs = [...extraDirs.map((d) => resolve(d)), join(source.root, "agents")];
  let dir = source.root;
  for (let depth = 0; depth < 6; depth++) {
    if (
      (await exists(join(dir, ".claude-plugin"))) ||
      (await exists(join(dir, "commands"))) ||
      (await exists(join(dir, "skills")))
    )
      dirs.push(join(dir, "agents"));
    dirs.push(join(dir, ".claude", "agents"));
    if (basename(dir) === ".claude") dirs.push(join(dir, "agents"));
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  const found: string[] = [];
  for (const d of dirs) if (!found.includes(d) && (await exists(d))) found.push(d);
  return found;
}

/** The plugin (or .claude) directory a source belongs to: where `${CLAUDE_PLUGIN_ROOT}` points. */
export async function pluginRoot(source: ClaudeSource): Promise<string> {
  let dir = source.root;
  for (let depth = 0; depth < 4; depth++) {
    if (await exists(join(dir, ".claude-plugin"))) return dir;
    if (["commands", "skills", "agents"].includes(basename(dir))) return dirname(dir);
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return source.type === "claude-skill" ? source.path : source.root;
}

/**
 * Looks for a Claude subagent file for `type` in `dirs`. `plugin:agent` and `<plugin>-agent`
 * (plugin-prefixed names) find `agent.md` too.
 */
export async function findAgentFile(type: string, dirs: string[]): Promise<string | undefined> {
  const plain = type.replace(/^[\w-]+:/, "");
  for (const dir of dirs) {
    const names = [type, plain];
    const plugin = basename(dirname(dir));
    if (plain.startsWith(`${plugin}-`)) names.push(plain.slice(plugin.length + 1));
    for (const name of names) {
      const candidate = join(dir, `${name}.md`);
      if (await exists(candidate)) return candidate;
    }
  }
  return undefined;
}
