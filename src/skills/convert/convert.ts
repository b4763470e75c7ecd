import { mkdir, readdir, rename, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { BatonError } from "../../errors.ts";
import { type OutputMode, resolveTarget, type TargetOptions } from "../package/create.ts";
import { type DeliverResult, deliverPackage } from "../package/deliver.ts";
import type { PackageFiles } from "../package/write.ts";
import { joinFrontmatter } from "../parse/frontmatter.ts";
import { parseMarkdown } from "../parse/markdown.ts";
import { assertName, nameProblem, slugify } from "../parse/names.ts";
import { listFilesSafe, readTextSafe } from "../parse/safe-fs.ts";
import { MANIFEST_PATH, type Unconverted } from "../validate/conversion-manifest.ts";
import { convertAgentMarkdown } from "./agent.ts";
import { reportMissed } from "./completeness.ts";
import { convertMarkdown } from "./doc.ts";
import { convertSkillFrontmatter } from "./frontmatter.ts";
import { sourceFrontmatter } from "./read-source.ts";
import { type FileReference, findReferences, includeReferences } from "./references.ts";
import { addRoles, display, proseRoleNames } from "./role-files.ts";
import { registerRole } from "./roles.ts";
import { addCodexSections, type RoleRow } from "./sections.ts";
import { agentDirs, type ClaudeSource, identifySource, pluginRoot } from "./source.ts";
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

/**
 * Converts a Claude skill directory or command .md into a Codex skill package, validates it and
 * always writes it (the report and `unconverted` say whether it is finished); a Claude agent .md
 * becomes a Codex role (see {@link convertAgentFile}).
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
  const base = source.type === "claude-skill" ? source.path : dirname(source.path);
  const dirs = await agentDirs(source, options.agentsDirs ?? []);
  const agentNames = await agentNamesIn(dirs);
  const refs: FileReference[] = [];
  let entry: string | undefined;
  for (const rel of sourceFiles) {
    const full = join(base, rel);
    const shown = display(full);
    const isEntry = source.type === "claude-command" || rel === "SKILL.md";
    if (!rel.endsWith(".md")) {
      try {
        files.set(rel, await readTextSafe(full, { root: base }));
      } catch (error) {
        state.unconverted.push({
          file: shown,
          line: 1,
          construct: "file not copied",
          text: rel,
          hint: `${error instanceof Error ? error.message : String(error)}; copy it into the package by hand`,
        });
      }
      continue;
    }
    const text = await readTextSafe(full, { root: base });
    const fm = sourceFrontmatter(text, shown, state);
    const offset = fm.bodyStartLine - 1;
    const body = convertMarkdown(shown, fm.body, offset, state);
    reportMissed(shown, fm.body, offset, state);
    refs.push(...findReferences(fm.body, shown, offset));
    nameRolesInProse(fm.body, shown, offset, agentNames, state);
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
      if (fm.present)
        state.changes.push({
          file: shown,
          line: 1,
          endLine: offset,
          what: "frontmatter → Agent Skills frontmatter",
        });
      files.set("SKILL.md", joinFrontmatter(converted.data, ""));
      if (converted.openaiYaml) files.set("agents/openai.yaml", converted.openaiYaml);
    } else {
      // Other Markdown files keep their frontmatter as written.
      files.set(rel, text.split("\n").slice(0, offset).concat(body.split("\n")).join("\n"));
    }
  }
  await addRoles(state, files, roleRows, dirs, name);
  const plugin = await pluginRoot(source);
  await includeReferences(refs, { base, plugin, sourceDir: (file) => dirname(resolve(file)) }, files, state);
  // The lifecycle table names converted calls by their place in the source skill.
  const prefix = `${display(base)}/`;
  for (const wait of state.waits)
    if (wait.where.startsWith(prefix)) wait.where = wait.where.slice(prefix.length);
  const skillMd = files.get("SKILL.md") ?? "";
  files.set("SKILL.md", skillMd + addCodexSections(entry ?? "", name, roleRows, state));
  files.set(MANIFEST_PATH, manifestText(source, state));
  if (options.mode === "single" && roleRows.some((r) => r.status === "new")) {
    state.notes.push(
      "--mode single: the source has roles, so they are written as agents/*.toml (Codex loads roles only from TOML)",
    );
  }
  const target = await resolveTarget(name, options);
  // A conversion is always written (nothing of the source is lost); with constructs left or a
  // failing score it is partial (exit 3) and validate/deploy refuse it until a person finishes it.
  const delivery = await deliverPackage(files, target.dir, {
    overwrite: target.overwrite,
    minScore: options.minScore,
    always: true,
  });
  return {
    delivery,
    unconverted: state.unconverted,
    notes: state.notes,
    summary: summarize(source, roleRows, state),
  };
}

function manifestText(source: ClaudeSource, state: ConversionState): string {
  const record = {
    schemaVersion: 1,
    source: { type: source.type, path: display(source.path) },
    preserved: state.preserved,
    unconverted: state.unconverted,
    notes: state.notes,
    changed: state.changes,
  };
  return `${JSON.stringify(record, null, 2)}\n`;
}

async function agentNamesIn(dirs: string[]): Promise<string[]> {
  const names = new Set<string>();
  for (const dir of dirs)
    for (const file of await readdir(dir).catch(() => [] as string[]))
      if (file.endsWith(".md")) names.add(file.slice(0, -3));
  return [...names];
}

/** Sub-agents named by their agent file's name in prose ("launch 2-3 code-explorer agents"). */
function nameRolesInProse(
  body: string,
  file: string,
  offset: number,
  names: string[],
  state: ConversionState,
): void {
  if (names.length === 0) return;
  const doc = parseMarkdown(body);
  doc.lines.forEach((line, i) => {
    if (doc.kinds[i] !== "prose" && doc.kinds[i] !== "heading") return;
    for (const agent of proseRoleNames(names, line))
      registerRole(state, agent, { file, line: i + 1 + offset });
  });
}

function skillName(raw: string, state: ConversionState): string {
  if (!nameProblem(raw)) return raw;
  const slug = slugify(raw, "skill");
  state.notes.push(`skill name "${raw}" → "${slug}" (a-z, 0-9, hyphens)`);
  return assertName(slug, "skill name");
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
    sourceFrontmatter(text, display(source.path), state),
    display(source.path),
    source.defaultName,
    state,
  );
  const name = assertName(options.name ?? converted.name, "role name");
  const target = await resolveTarget(`${name}.toml`, options);
  const temp = `${target.dir}.baton-tmp-${process.pid}`;
  await mkdir(dirname(target.dir), { recursive: true });
  await writeFile(temp, converted.toml.replace(/^name = ".*"$/m, `name = "${name}"`), { flag: "wx" });
  await rename(temp, target.dir);
  return { file: target.dir, notes: state.notes };
}
