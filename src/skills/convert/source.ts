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

/** Looks for a Claude subagent file for `type`: agents/ in the skill, then .claude/agents/ upwards. */
export async function findAgentFile(
  source: ClaudeSource,
  type: string,
  extraDirs: string[],
): Promise<string | undefined> {
  const candidates = [
    ...extraDirs.map((d) => join(d, `${type}.md`)),
    join(source.root, "agents", `${type}.md`),
  ];
  let dir = source.root;
  for (let depth = 0; depth < 6; depth++) {
    candidates.push(join(dir, ".claude", "agents", `${type}.md`));
    if (basename(dir) === ".claude") candidates.push(join(dir, "agents", `${type}.md`));
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  for (const candidate of candidates) if (await exists(candidate)) return candidate;
  return undefined;
}
