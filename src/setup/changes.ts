import { createHash } from "node:crypto";
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { dirname, join } from "node:path";
import { z } from "zod";
import { BatonError } from "../errors.ts";

/**
 * What `baton setup` changes, as whole-file before/after pairs: shown before anything is written,
 * applied with a backup and a record, and undone byte for byte from that record by `--uninstall`.
 */

export interface FileChange {
  path: string;
  /** null: the file does not exist. */
  before: string | null;
  after: string | null;
  /** How to take baton's part out of the file if it was edited since setup (configs only). */
  kind: "config" | "file";
}

const recordSchema = z.object({
  version: z.literal(1),
  target: z.string(),
  files: z.array(z.object({ path: z.string(), before: z.string().nullable(), after: z.string().nullable() })),
  /** Directories setup created (removed again by uninstall when empty). */
  createdDirs: z.array(z.string()),
  backups: z.string().optional(),
});
export type SetupRecord = z.infer<typeof recordSchema>;

export function readText(path: string): string | null {
  return existsSync(path) ? readFileSync(path, "utf8") : null;
}

/** Where the record of one target lives: `~/.baton/setup/<target>-<hash of its config path>.json`. */
export function recordPath(stateDir: string, target: string, configPath: string): string {
  const hash = createHash("sha256").update(configPath).digest("hex").slice(0, 12);
  return join(stateDir, `${target}-${hash}.json`);
}

export function readRecord(file: string): SetupRecord | undefined {
  const text = readText(file);
  if (text === null) return undefined;
  const parsed = recordSchema.safeParse(JSON.parse(text));
  if (!parsed.success)
    throw new BatonError("E_CONFIG", `${file} is not a baton setup record; remove it and run setup again`, {
      file,
    });
  return parsed.data;
}

function writeAtomic(path: string, text: string): void {
  const tmp = `${path}.baton-${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}

/** Creates `dir` and its missing parents; returns the ones it created, outermost first. */
function mkdirs(dir: string): string[] {
  const missing: string[] = [];
  for (let d = dir; !existsSync(d); d = dirname(d)) missing.unshift(d);
  if (missing.length > 0) mkdirSync(dir, { recursive: true });
  return missing;
}

export interface ApplyResult {
  changed: string[];
  backups?: string;
  record: string;
}

/**
 * Writes the changes (atomically, file by file) after copying every file it replaces into
 * `<stateDir>/backups/<time>/`; the record keeps the state from before the first setup, so repeated
 * setups still uninstall to the original bytes.
 */
export function applyChanges(target: string, changes: FileChange[], record: string): ApplyResult {
  const previous = readRecord(record);
  const firstBefore = new Map(previous?.files.map((f) => [f.path, f.before]));
  const pending = changes.filter((c) => c.before !== c.after);
  const replaced = pending.filter((c) => c.before !== null);
  let backups: string | undefined;
  if (replaced.length > 0) {
    backups = join(dirname(record), "backups", new Date().toISOString().replace(/[:.]/g, "-"));
    mkdirSync(backups, { recursive: true });
    for (const c of replaced) writeFileSync(join(backups, c.path.replace(/[/\\]/g, "%")), c.before!);
  }
  const createdDirs = new Set(previous?.createdDirs);
  for (const c of pending) {
    if (c.after === null) rmSync(c.path, { force: true });
    else {
      for (const dir of mkdirs(dirname(c.path))) createdDirs.add(dir);
      writeAtomic(c.path, c.after);
    }
  }
  const files = changes.map((c) => ({
    path: c.path,
    before: firstBefore.has(c.path) ? firstBefore.get(c.path)! : c.before,
    after: c.after,
  }));
  // Files an earlier setup wrote that this one no longer does stay on the record until uninstall.
  for (const f of previous?.files ?? []) if (!changes.some((c) => c.path === f.path)) files.push(f);
  mkdirSync(dirname(record), { recursive: true });
  const value: SetupRecord = { version: 1, target, files, createdDirs: [...createdDirs], backups };
  writeAtomic(record, `${JSON.stringify(value, null, 2)}\n`);
  return { changed: pending.map((c) => c.path), backups, record };
}

export interface UninstallStep {
  path: string;
  action: "restored" | "removed" | "edited" | "kept" | "already gone";
  note?: string;
}

/**
 * Undoes a setup from its record: a file still as setup left it gets its old bytes back (or is
 * removed if it did not exist); a config edited since has only baton's part taken out
 * (`removeOwnPart`); any other file edited since is kept and reported.
 */
export function uninstallFromRecord(
  record: string,
  removeOwnPart: (path: string, current: string, before: string | null) => string | undefined,
): UninstallStep[] {
  const value = readRecord(record);
  if (!value) throw new BatonError("E_NOT_FOUND", `nothing to uninstall: no setup record at ${record}`);
  const steps: UninstallStep[] = [];
  for (const file of value.files) {
    const current = readText(file.path);
    if (current === file.after) {
      if (file.before === null) {
        if (current !== null) rmSync(file.path);
        steps.push({ path: file.path, action: current === null ? "already gone" : "removed" });
      } else {
        writeAtomic(file.path, file.before);
        steps.push({ path: file.path, action: "restored" });
      }
    } else if (current === null) {
      steps.push({ path: file.path, action: "already gone" });
    } else {
      const edited = removeOwnPart(file.path, current, file.before);
      if (edited === undefined) {
        steps.push({
          path: file.path,
          action: "kept",
          note: "changed since setup; remove it by hand if unwanted",
        });
      } else {
        writeAtomic(file.path, edited);
        steps.push({
          path: file.path,
          action: "edited",
          note: "changed since setup: only baton's entry removed",
        });
      }
    }
  }
  for (const dir of [...value.createdDirs].sort((a, b) => b.length - a.length))
    if (existsSync(dir) && readdirSync(dir).length === 0) rmdirSync(dir);
  rmSync(record);
  return steps;
}

/** A short, readable account of one change: the lines that differ, with - and +. */
export function describeChange(change: FileChange): string {
  if (change.before === change.after) return `  unchanged  ${change.path}`;
  if (change.after === null) return `  remove     ${change.path}`;
  if (change.before === null) return `  create     ${change.path} (${lineCount(change.after)} lines)`;
  const a = change.before.split("\n");
  const b = change.after.split("\n");
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (
    tail < a.length - head &&
    tail < b.length - head &&
    a[a.length - 1 - tail] === b[b.length - 1 - tail]
  )
    tail++;
  const lines = [`  update     ${change.path} (line ${head + 1}):`];
  for (const line of a.slice(head, a.length - tail)) lines.push(`    - ${line}`);
  for (const line of b.slice(head, b.length - tail)) lines.push(`    + ${line}`);
  return lines.join("\n");
}

function lineCount(text: string): number {
  return text.split("\n").length - (text.endsWith("\n") ? 1 : 0);
}
