import { rename, writeFile } from "node:fs/promises";
import { basename, join, relative } from "node:path";
import { BatonError } from "../../errors.ts";
import { type OutputMode, resolveTarget, type TargetOptions } from "../package/create.ts";
import { type DeliverResult, deliverPackage } from "../package/deliver.ts";
import type { PackageFiles } from "../package/write.ts";
import { joinFrontmatter, splitFrontmatter } from "../parse/frontmatter.ts";
import { assertName, BUILTIN_ROLES, nameProblem, slugify } from "../parse/names.ts";
import { listFilesSafe, readTextSafe } from "../parse/safe-fs.ts";
import { renderRoleToml } from "../render/role.ts";
import { MANIFEST_PATH, type Unconverted } from "../validate/conversion-manifest.ts";
import { convertAgentMarkdown } from "./agent.ts";
import { convertMarkdown } from "./doc.ts";
import { convertSkillFrontmatter } from "./frontmatter.ts";
import { addCodexSections, type RoleRow } from "./sections.ts";
import { type ClaudeSource, findAgentFile, identifySource } from "./source.ts";
import { type ConversionState, newConversionState } from "./state.ts";

export interface ConvertOptions extends TargetOptions {
  name?: string | undefined;
  mode?: OutputMode | undefined;
  minScore?: number | undefined;
  /** Extra directories to look for Claude subagent files in. */
  agentsDirs?: string[];
}

export interface ConvertResult {
  delivery: DeliverResult;
  unconverted: Unconverted[];
  notes: string[];
  /** Human lines: what became what. */
  summary: string[];
}

const display = (path: string) => relative(process.cwd(), path) || ".";

/**
 * Converts a Claude skill directory or command .md into a Codex skill package, validates it and
 * writes it only when it passes; a Claude agent .md becomes a Codex role (see {@link convertAgentFile}).
 * @example await convertToPackage(".claude/skills/review", { outDir: "out", force: false })
 */
export async function convertToPackage(input: string, options: ConvertOptions): Promise<ConvertResult> {
  const source = await identifySource(input);
  if (source.type === "claude-agent") {
    throw new BatonError(
      "E_USAGE",
      `${input} is a Claude agent; it converts to a role file, not a skill (use baton skill convert)`,
    );
  }
  const state = newConversionState();
  const name = skillName(options.name ?? source.defaultName, state);
  const files: PackageFiles = new Map();
  const roleRows: RoleRow[] = [];
  const sourceFiles =
    source.type === "claude-skill" ? await listFilesSafe(source.path) : [basename(source.path)];
  const base = source.type === "claude-skill" ? source.path : join(source.path, "..");
  let entry: string | undefined;
  for (const rel of sourceFiles) {
    const full = join(base, rel);
    const shown = display(full);
    const isEntry = source.type === "claude-command" || rel === "SKILL.md";
    if (/^agents\/[^/]+\.md$/.test(rel) && !isEntry) {
      const text = await readTextSafe(full, { root: base });
      const role = convertAgentMarkdown(splitFrontmatter(text, shown), shown, basename(rel, ".md"), state);
      files.set(`agents/${role.name}.toml`, role.toml);
      roleRows.push({
        name: role.name,
        file: `agents/${role.name}.toml`,
        responsibility: roleSummary(role.toml),
        status: "new",
      });
      continue;
    }
    if (!rel.endsWith(".md")) {
      try {
        files.set(rel, await readTextSafe(full, { root: base }));
      } catch (error) {
        state.notes.push(`${shown}: not copied (${error instanceof Error ? error.message : String(error)})`);
      }
      continue;
    }
    const text = await readTextSafe(full, { root: base });
    const fm = splitFrontmatter(text, shown);
    const body = convertMarkdown(shown, fm.body, fm.bodyStartLine - 1, state);
    if (isEntry) {
      entry = body;
      const firstLine =
        fm.body
          .split("\n")
          .find((l) => l.trim() && !l.startsWith("#"))
          ?.trim() ?? `Converted from ${shown}`;
      const converted = convertSkillFrontmatter(
        fm.data,
        name,
        firstLine,
        shown,
        state,
        (k) => fm.keyLines.get(k) ?? 1,
      );
      files.set("SKILL.md", joinFrontmatter(converted.data, ""));
      if (converted.openaiYaml) files.set("agents/openai.yaml", converted.openaiYaml);
    } else {
      files.set(rel, fm.present ? joinFrontmatter(fm.data, body) : body);
    }
  }
  await addRoles(source, state, files, roleRows, options.agentsDirs ?? [], name);
  // The lifecycle table names converted calls by their place in the source skill.
  const prefix = `${display(base)}/`;
  for (const wait of state.waits)
    if (wait.where.startsWith(prefix)) wait.where = wait.where.slice(prefix.length);
  const skillMd = files.get("SKILL.md") ?? "";
  files.set("SKILL.md", skillMd + addCodexSections(entry ?? "", name, roleRows, state));
  files.set(
    MANIFEST_PATH,
    `${JSON.stringify(
      {
        schemaVersion: 1,
        source: { type: source.type, path: display(source.path) },
        preserved: state.preserved,
        unconverted: state.unconverted,
        notes: state.notes,
      },
      null,
      2,
    )}\n`,
  );
  if (options.mode === "single" && roleRows.some((r) => r.status === "new")) {
    state.notes.push(
      "--mode single: the source has roles, so they are written as agents/*.toml (Codex loads roles only from TOML)",
    );
  }
  const target = await resolveTarget(name, options);
  const delivery = await deliverPackage(files, target.dir, {
    overwrite: target.overwrite,
    minScore: options.minScore,
  });
  return {
    delivery,
    unconverted: state.unconverted,
    notes: state.notes,
    summary: summarize(source, roleRows, state),
  };
}

function skillName(raw: string, state: ConversionState): string {
  if (!nameProblem(raw)) return raw;
  const slug = slugify(raw, "skill");
  state.notes.push(`skill name "${raw}" → "${slug}" (a-z, 0-9, hyphens)`);
  return assertName(slug, "skill name");
}

async function addRoles(
  source: ClaudeSource,
  state: ConversionState,
  files: PackageFiles,
  rows: RoleRow[],
  agentsDirs: string[],
  skill: string,
): Promise<void> {
  for (const [role, info] of state.roles) {
    if (rows.some((r) => r.name === role)) continue;
    if (BUILTIN_ROLES.includes(role)) {
      rows.push({
        name: role,
        file: "(built-in)",
        responsibility: `Codex built-in ${role} (Claude ${info.claudeType})`,
        status: "built-in",
      });
      continue;
    }
    const agentFile = await findAgentFile(source, info.claudeType, agentsDirs);
    if (agentFile) {
      const text = await readTextSafe(agentFile);
      const converted = convertAgentMarkdown(
        splitFrontmatter(text, display(agentFile)),
        display(agentFile),
        role,
        state,
      );
      files.set(`agents/${role}.toml`, converted.toml.replace(/^name = ".*"$/m, `name = "${role}"`));
      rows.push({
        name: role,
        file: `agents/${role}.toml`,
        responsibility: roleSummary(converted.toml),
        status: "new",
      });
      continue;
    }
    const responsibility =
      info.descriptions.length > 0
        ? [...new Set(info.descriptions)].join("; ")
        : `Tasks the skill gave to Claude's ${info.claudeType}`;
    state.notes.push(
      `role ${role}: no Claude agent file for "${info.claudeType}" found; generated from the Task descriptions`,
    );
    files.set(
      `agents/${role}.toml`,
      renderRoleToml(
        {
          name: role,
          role: `Sub-agent converted from Claude's ${info.claudeType}`,
          responsibility,
          capabilities: [...new Set(info.descriptions)],
          steps: [],
          always: [],
          never: [],
          existing: false,
        },
        skill,
      ),
    );
    rows.push({ name: role, file: `agents/${role}.toml`, responsibility, status: "new" });
  }
}

function roleSummary(toml: string): string {
  return toml.match(/^description = "(.*)"$/m)?.[1]?.replace(/\\"/g, '"') ?? "converted Claude agent";
}

function summarize(source: ClaudeSource, rows: RoleRow[], state: ConversionState): string[] {
  return [
    `Converted ${source.type} ${display(source.path)}: ${state.preserved.length} prompt(s)/block(s) kept verbatim.`,
    `Roles: ${rows.map((r) => `${r.name} (${r.status === "new" ? r.file : "built-in"})`).join(", ") || "none"}`,
    ...state.unconverted.map(
      (u) => `NOT CONVERTED ${u.file}:${u.line} ${u.construct}: ${u.text} → ${u.hint}`,
    ),
    ...state.notes.map((n) => `note: ${n}`),
  ];
}

/**
 * A Claude subagent .md → `<outDir>/<name>.toml`, a Codex custom agent. Written atomically;
 * an existing file is replaced only with `force`.
 */
export async function convertAgentFile(
  input: string,
  options: TargetOptions & { name?: string | undefined },
): Promise<{ file: string; notes: string[] }> {
  const source = await identifySource(input);
  const state = newConversionState();
  const text = await readTextSafe(source.path);
  const converted = convertAgentMarkdown(
    splitFrontmatter(text, display(source.path)),
    display(source.path),
    source.defaultName,
    state,
  );
  const name = assertName(options.name ?? converted.name, "role name");
  const target = await resolveTarget(`${name}.toml`, options);
  const temp = `${target.dir}.baton-tmp-${process.pid}`;
  await writeFile(temp, converted.toml.replace(/^name = ".*"$/m, `name = "${name}"`), { flag: "wx" });
  await rename(temp, target.dir);
  return { file: target.dir, notes: state.notes };
}
