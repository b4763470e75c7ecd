import { cp, readdir, readFile } from "node:fs/promises";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseToml } from "smol-toml";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { convertAgentFile, convertToPackage } from "../../src/skills/convert/convert.ts";
import { findReferences } from "../../src/skills/convert/references.ts";
import { identifySource, pluginRoot } from "../../src/skills/convert/source.ts";
import { scanClaudeConstructs } from "../../src/skills/parse/claude-constructs.ts";
import { splitFrontmatterLenient } from "../../src/skills/parse/frontmatter.ts";
import { exists, listFilesSafe } from "../../src/skills/parse/safe-fs.ts";
import { type ConversionManifest, MANIFEST_PATH } from "../../src/skills/validate/conversion-manifest.ts";
import { validatePackage } from "../../src/skills/validate/validate.ts";
import { tempDir } from "./helpers.ts";

// Every fixture under test/fixtures/skills is converted and checked against the conversion's
// invariants, not by eye: unchanged lines stay, every construct is converted or reported, the exit
// code follows from what is left, every referenced file travels with the package, and the raw
// source never validates.

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../fixtures/skills");

interface Fixture {
  input: string;
  agent?: boolean;
  exit?: 0 | 3;
  roles?: string[];
  unconverted?: string[];
  contains?: string[];
  absent?: string[];
  files?: string[];
}

const names = (await readdir(ROOT)).filter((n) => /^\d\d-/.test(n)).sort();
let tmp: Awaited<ReturnType<typeof tempDir>>;
beforeAll(async () => {
  tmp = await tempDir("baton-fixtures-");
});
afterAll(async () => {
  await tmp.cleanup();
});

/** True when `needles` occur in `haystack` in order (not necessarily next to each other). */
function inOrder(needles: string[], haystack: string[]): string | undefined {
  let at = 0;
  for (const needle of needles) {
    while (at < haystack.length && haystack[at] !== needle) at++;
    if (at === haystack.length) return needle;
    at++;
  }
  return undefined;
}

describe("conversion invariants on every fixture", () => {
  it("has at least 25 fixtures", () => {
    expect(names.length).toBeGreaterThanOrEqual(25);
  });

  for (const name of names) {
    it(name, async () => {
      const fixture = JSON.parse(await readFile(join(ROOT, name, "fixture.json"), "utf8")) as Fixture;
      const input = join(ROOT, name, fixture.input);
      const out = join(tmp.dir, name);
      if (fixture.agent) {
        const role = await convertAgentFile(input, { outDir: out, force: false });
        const toml = parseToml(await readFile(role.file, "utf8")) as Record<string, string>;
        for (const key of ["name", "description", "developer_instructions"]) expect(toml[key]).toBeTruthy();
        expect(toml.developer_instructions).toContain(
          splitFrontmatterLenient(await readFile(input, "utf8"), "x").body.trim(),
        );
        return;
      }
      const result = await convertToPackage(input, { outDir: out, force: false });
      // Exit code: 0 only when nothing is left, 3 when written with leftovers; never 1 here.
      expect(result.delivery.delivered, JSON.stringify(result.delivery.report.autoFails)).toBe(true);
      const exit = result.unconverted.length > 0 ? 3 : 0;
      expect(exit, JSON.stringify(result.unconverted, null, 1)).toBe(fixture.exit);
      const dir = result.delivery.dir;
      const manifest = JSON.parse(await readFile(join(dir, MANIFEST_PATH), "utf8")) as ConversionManifest;
      const files = await listFilesSafe(dir);
      const source = await identifySource(input);
      const base = source.type === "claude-skill" ? source.path : dirname(source.path);
      const sourceFiles =
        source.type === "claude-skill" ? await listFilesSafe(base) : [relative(base, source.path)];
      const covered = (file: string, line: number) =>
        manifest.changed.some((c) => c.file.endsWith(file) && c.line <= line && line <= c.endLine) ||
        manifest.unconverted.some((u) => u.file.endsWith(file) && u.line === line);
      for (const rel of sourceFiles.filter((f) => f.endsWith(".md"))) {
        const text = await readFile(join(base, rel), "utf8");
        const fm = splitFrontmatterLenient(text, rel);
        const offset = fm.bodyStartLine - 1;
        const shownTail = relative(process.cwd(), join(base, rel));
        // Every construct is converted (on a changed line) or reported with file:line.
        for (const hit of scanClaudeConstructs(fm.body, rel)) {
          expect(
            covered(shownTail, hit.line + offset),
            `${rel}:${hit.line + offset} ${hit.construct} neither converted nor reported`,
          ).toBe(true);
        }
        // Every line that holds no construct is in the output unchanged, in order.
        const target = source.type === "claude-command" || rel === "SKILL.md" ? "SKILL.md" : rel;
        const output = (await readFile(join(dir, target), "utf8")).split("\n");
        const kept = fm.body
          .split("\n")
          .map((line, i) => ({ line, at: i + 1 + offset }))
          .filter((l) => l.line.trim() !== "" && !covered(shownTail, l.at))
          .map((l) => l.line);
        expect(inOrder(kept, output), `${rel}: a line changed without a record`).toBeUndefined();
        // Every file the source references that exists next to it is in the package.
        for (const ref of findReferences(fm.body, rel, offset)) {
          const plugin = await pluginRoot(source);
          const candidates = ref.pluginRelative
            ? [join(plugin, ref.path)]
            : [join(base, dirname(rel), ref.path), join(base, ref.path)];
          for (const candidate of candidates) {
            if (
              !(await exists(candidate)) ||
              (await readdir(candidate).then(
                () => true,
                () => false,
              ))
            )
              continue;
            const inPackage = relative(candidate.startsWith(base) ? base : plugin, candidate);
            expect(files, `${rel}:${ref.line} references ${ref.path}`).toContain(inPackage);
          }
        }
      }
      // Leftovers in the package are exactly what the report lists (no exit 0 with a construct left).
      let left = 0;
      for (const file of files.filter((f) => f.endsWith(".md"))) {
        left += scanClaudeConstructs(await readFile(join(dir, file), "utf8"), file).length;
      }
      if (left > 0) expect(exit).toBe(3);
      const report = await validatePackage(dir);
      if (exit === 0) {
        expect(report.autoFails.map((a) => a.id)).toEqual([]);
        expect(report.score).toBeGreaterThanOrEqual(70);
      }
      expect(files.filter((f) => /^agents\/.*\.toml$/.test(f)).sort()).toEqual(
        (fixture.roles ?? []).map((r) => `agents/${r}.toml`).sort(),
      );
      for (const construct of fixture.unconverted ?? [])
        expect(result.unconverted.map((u) => u.construct)).toContain(construct);
      for (const file of fixture.files ?? []) expect(files).toContain(file);
      const docs = files.filter((f) => f.endsWith(".md"));
      const skill = (await Promise.all(docs.map((f) => readFile(join(dir, f), "utf8")))).join("\n");
      for (const text of fixture.contains ?? []) expect(skill).toContain(text);
      for (const text of [...(fixture.absent ?? []), "runs its steps itself", "update_plan("])
        expect(skill).not.toContain(text);
      // The raw source does not validate.
      const raw = join(tmp.dir, `${name}-raw`);
      if (source.type === "claude-skill") await cp(base, raw, { recursive: true });
      else await cp(source.path, join(raw, "SKILL.md"));
      expect((await validatePackage(raw)).passed).toBe(false);
    });
  }
});
