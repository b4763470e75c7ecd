import { basename, join } from "node:path";
import { parse as parseToml } from "smol-toml";
import { BatonError, isBatonError } from "../../errors.ts";
import { type Frontmatter, splitFrontmatter } from "../parse/frontmatter.ts";
import {
  findSections,
  type MarkdownDoc,
  parseMarkdown,
  parseTable,
  type Section,
} from "../parse/markdown.ts";
import { listFilesSafe, readTextSafe } from "../parse/safe-fs.ts";
import { type ConversionManifest, MANIFEST_PATH, manifestSchema } from "./conversion-manifest.ts";

export interface PackageDoc {
  /** Package-relative path. */
  file: string;
  text: string;
  /** Parsed with frontmatter lines blanked, so line numbers are the file's. */
  md: MarkdownDoc;
}

export interface RoleDef {
  name: string;
  file: string;
  line: number;
  description: string;
  instructions: string;
  source: "toml" | "section";
  /** Set when the role file does not load. */
  error?: string;
}

export interface RegistryRow {
  agent: string;
  roleFile: string;
  status: string;
  line: number;
}

export interface SkillPackage {
  dir: string;
  /** The name the package must carry (its directory name unless told otherwise). */
  expectedName: string;
  files: string[];
  skill: { text: string; frontmatter?: Frontmatter; frontmatterError?: string; md: MarkdownDoc } | undefined;
  docs: PackageDoc[];
  roles: RoleDef[];
  registry: RegistryRow[] | undefined;
  registrySection: Section | undefined;
  mode: "structured" | "single";
  /** Present when the package carries references/conversion.json. */
  conversion: { manifest?: ConversionManifest; error?: string } | undefined;
}

/**
 * Reads a skill package directory into parsed structure; unreadable parts are recorded, not thrown,
 * so the checks can report them. Throws only when `dir` is not a directory.
 */
export async function readPackage(dir: string, expectedName = basename(dir)): Promise<SkillPackage> {
  let files: string[];
  try {
    files = await listFilesSafe(dir);
  } catch (error) {
    if (isBatonError(error)) throw error;
    throw new BatonError(
      "E_NOT_FOUND",
      `${dir}: not a readable directory; pass the skill package directory`,
      {
        file: dir,
      },
    );
  }
  const pkg: SkillPackage = {
    dir,
    expectedName,
    files,
    skill: undefined,
    docs: [],
    roles: [],
    registry: undefined,
    registrySection: undefined,
    mode: "structured",
    conversion: undefined,
  };
  for (const file of files.filter((f) => f.endsWith(".md"))) {
    const text = await readTextSafe(join(dir, file), { root: dir });
    if (file === "SKILL.md") {
      let frontmatter: Frontmatter | undefined;
      let frontmatterError: string | undefined;
      try {
        frontmatter = splitFrontmatter(text, "SKILL.md");
      } catch (error) {
        frontmatterError = error instanceof Error ? error.message : String(error);
      }
      const md = parseMarkdown(blankFrontmatter(text));
      pkg.skill = {
        text,
        md,
        ...(frontmatter ? { frontmatter } : {}),
        ...(frontmatterError ? { frontmatterError } : {}),
      };
      pkg.docs.unshift({ file, text, md });
    } else {
      pkg.docs.push({ file, text, md: parseMarkdown(blankFrontmatter(text)) });
    }
  }
  for (const file of files.filter((f) => /^agents\/[^/]+\.toml$/.test(f))) {
    pkg.roles.push(await readRoleToml(dir, file));
  }
  if (pkg.skill) {
    pkg.roles.push(...roleSections(pkg.skill.md));
    const section = findSections(pkg.skill.md, /agent registry/i)[0];
    if (section) {
      pkg.registrySection = section;
      pkg.registry = registryRows(section);
    }
  }
  if (files.includes(MANIFEST_PATH)) pkg.conversion = await readManifest(dir);
  pkg.mode =
    pkg.roles.some((r) => r.source === "toml") || files.some((f) => f.startsWith("phases/"))
      ? "structured"
      : pkg.roles.length > 0
        ? "single"
        : "structured";
  return pkg;
}

/** Keeps line numbers while hiding frontmatter from the Markdown reader. */
function blankFrontmatter(text: string): string {
  const match = text.match(/^---[ \t]*\r?\n[\s\S]*?\r?\n---[ \t]*(?:\r?\n|$)/);
  if (!match) return text;
  return text.replace(match[0], match[0].replace(/[^\n]/g, ""));
}

async function readRoleToml(dir: string, file: string): Promise<RoleDef> {
  const name = basename(file, ".toml");
  const base: RoleDef = { name, file, line: 1, description: "", instructions: "", source: "toml" };
  let text: string;
  try {
    text = await readTextSafe(join(dir, file), { root: dir });
  } catch (error) {
    return { ...base, error: error instanceof Error ? error.message : String(error) };
  }
  let data: Record<string, unknown>;
  try {
    data = parseToml(text) as Record<string, unknown>;
  } catch (error) {
    const line = (error as { line?: number }).line ?? 1;
    const message = error instanceof Error ? error.message.split("\n")[0] : String(error);
    return { ...base, line, error: `${file}:${line}: TOML does not parse: ${message}` };
  }
  const role: RoleDef = {
    ...base,
    name: typeof data.name === "string" ? data.name : name,
    description: typeof data.description === "string" ? data.description : "",
    instructions: typeof data.developer_instructions === "string" ? data.developer_instructions : "",
  };
  const missing = ["name", "description", "developer_instructions"].filter(
    (k) => typeof data[k] !== "string" || (data[k] as string).trim() === "",
  );
  if (missing.length > 0)
    role.error = `${file}: missing or empty ${missing.join(", ")} (Codex needs all three)`;
  else if (role.name !== name)
    role.error = `${file}: name = "${role.name}" differs from the file name "${name}"`;
  return role;
}

function roleSections(md: MarkdownDoc): RoleDef[] {
  return findSections(md, /^Role:\s*\S+/).map((section) => ({
    name: section.heading.text
      .replace(/^Role:\s*/, "")
      .replace(/`/g, "")
      .trim(),
    file: "SKILL.md",
    line: section.heading.line,
    description: "",
    instructions: section.text,
    source: "section" as const,
  }));
}

function registryRows(section: Section): RegistryRow[] {
  const rows = parseTable(section.text);
  const header = (rows[0] ?? []).map((h) => h.toLowerCase());
  const col = (pattern: RegExp, fallback: number) => {
    const index = header.findIndex((h) => pattern.test(h));
    return index === -1 ? fallback : index;
  };
  const agentCol = col(/agent|name/, 0);
  const fileCol = col(/file|path/, 1);
  const statusCol = col(/status|new|existing/, -1);
  const lines = section.text.split("\n");
  return rows.slice(1).map((cells) => {
    const agent = (cells[agentCol] ?? "").replace(/[`*]/g, "").trim();
    const lineIndex = lines.findIndex((l) => l.includes(`| ${cells[agentCol] ?? ""} |`) || l.includes(agent));
    return {
      agent,
      roleFile: (cells[fileCol] ?? "").replace(/`/g, "").trim(),
      status: statusCol === -1 ? "new" : (cells[statusCol] ?? "").toLowerCase(),
      line: section.startLine + 1 + Math.max(0, lineIndex),
    };
  });
}

async function readManifest(dir: string): Promise<{ manifest?: ConversionManifest; error?: string }> {
  try {
    const parsed = manifestSchema.safeParse(
      JSON.parse(await readTextSafe(join(dir, MANIFEST_PATH), { root: dir })),
    );
    if (parsed.success) return { manifest: parsed.data };
    return { error: `${MANIFEST_PATH} is not a valid conversion record: ${parsed.error.issues[0]?.message}` };
  } catch (error) {
    return {
      error: `${MANIFEST_PATH} does not load: ${error instanceof Error ? error.message : String(error)}`,
    };
  }
}
