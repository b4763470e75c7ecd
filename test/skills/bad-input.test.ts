import { mkdir, readdir, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { convertToPackage } from "../../src/skills/convert/convert.ts";
import { newSkillFromConfig } from "../../src/skills/package/create.ts";
import { stageFiles } from "../../src/skills/package/write.ts";
import { assertName } from "../../src/skills/parse/names.ts";
import { assertRelativePath, MAX_FILE_BYTES, readTextSafe } from "../../src/skills/parse/safe-fs.ts";
import { validatePackage } from "../../src/skills/validate/validate.ts";
import { reviewConfig, tempDir } from "./helpers.ts";

let tmp: Awaited<ReturnType<typeof tempDir>>;
beforeEach(async () => {
  tmp = await tempDir();
});
afterEach(async () => {
  await tmp.cleanup();
});

async function skillDir(name: string, body: string): Promise<string> {
  const dir = join(tmp.dir, "in", name);
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, "SKILL.md"), body);
  return dir;
}

describe("bad input", () => {
  it("refuses names with '/' or '..'", () => {
    expect(() => assertName("../evil", "skill name")).toThrow(
      /skill name "\.\.\/evil" is not valid: it contains a path separator/,
    );
    expect(() => assertName("a/b", "skill name")).toThrow(/path separator/);
    expect(() => assertRelativePath("../x.md", "package file")).toThrow(
      /must be a relative path inside the package/,
    );
  });

  it("refuses a symlink pointing outside the skill, naming the file", async () => {
    const outside = join(tmp.dir, "secret.txt");
    await writeFile(outside, "secret");
    const dir = await skillDir("linky", "---\nname: linky\ndescription: d. Use when x.\n---\n# L\n");
    await symlink(outside, join(dir, "notes.md"));
    await expect(convertToPackage(dir, { outDir: join(tmp.dir, "out"), force: false })).rejects.toThrow(
      /notes\.md is a symlink to .*secret\.txt, outside/,
    );
    await expect(validatePackage(dir)).rejects.toThrow(/symlink/);
    expect(await readdir(tmp.dir)).not.toContain("out");
  });

  it("refuses a huge file", async () => {
    const dir = await skillDir(
      "huge",
      `---\nname: huge\ndescription: d\n---\n${"x".repeat(MAX_FILE_BYTES + 10)}`,
    );
    await expect(readTextSafe(join(dir, "SKILL.md"))).rejects.toThrow(
      /SKILL\.md is \d+ bytes; skill files are limited to 1048576 bytes/,
    );
    await expect(convertToPackage(dir, { outDir: join(tmp.dir, "out"), force: false })).rejects.toThrow(
      /limited to/,
    );
  });

  it("refuses a directory without SKILL.md and frontmatter that is not key: value lines; reads unquoted colons as Claude does", async () => {
    await mkdir(join(tmp.dir, "empty"));
    await expect(
      convertToPackage(join(tmp.dir, "empty"), { outDir: join(tmp.dir, "out"), force: false }),
    ).rejects.toThrow(/empty\/SKILL\.md: missing; a Claude skill directory must contain SKILL\.md/);
    const lenient = await skillDir("yaml", "---\nname: yaml\ndescription: unquoted: colon: here\n---\n# Y\n");
    const converted = await convertToPackage(lenient, { outDir: join(tmp.dir, "out"), force: false });
    expect(converted.notes.join("\n")).toMatch(/SKILL\.md:3: frontmatter is not strict YAML/);
    const broken = await skillDir("broken", "---\nname: broken\n[not, a, mapping\n---\n# B\n");
    await expect(convertToPackage(broken, { outDir: join(tmp.dir, "out"), force: false })).rejects.toThrow(
      /SKILL\.md:3: YAML does not parse/,
    );
  });

  it("writes nothing when a package is refused by validation, and stages inside the output directory only", async () => {
    const config = await reviewConfig({ name: "refused" });
    const out = join(tmp.dir, "out");
    const result = await newSkillFromConfig(config, { outDir: out, force: false }, 101);
    expect(result.delivered).toBe(false);
    expect(await readdir(out)).toEqual([]);
    await expect(stageFiles(join(out, "x"), new Map([["../../escape.md", "no"]]))).rejects.toThrow(
      /must be a relative path/,
    );
    expect(await readdir(tmp.dir)).toEqual(["out"]);
    expect(await readdir(out)).toEqual([]);
  });
});
