import { stat } from "node:fs/promises";
import { basename, join, relative } from "node:path";
import type { PackageFiles } from "../package/write.ts";
import { exists, isInside, readTextSafe } from "../parse/safe-fs.ts";
import { reportMissed } from "./completeness.ts";
import { convertMarkdown } from "./doc.ts";
import { sourceFrontmatter } from "./read-source.ts";
import { display } from "./role-files.ts";
import type { ConversionState } from "./state.ts";

/** A file a source text names: `${CLAUDE_PLUGIN_ROOT}/x`, or a relative path such as `agents/grader.md`. */
export interface FileReference {
  file: string;
  line: number;
  path: string;
  pluginRelative: boolean;
}

const PLUGIN_REF = /\$\{CLAUDE_PLUGIN_ROOT\}\/([\w./-]+[\w-])/g;
const RELATIVE_REF = /(?<![\w/$.{-])((?:\.\.?\/)?(?:[\w.-]+\/)*[\w-][\w.-]*\.[A-Za-z]{1,5})(?![\w/])/g;

export function findReferences(text: string, file: string, lineOffset: number): FileReference[] {
  const refs: FileReference[] = [];
  text.split("\n").forEach((line, i) => {
    const at = { file, line: i + 1 + lineOffset };
    for (const m of line.matchAll(PLUGIN_REF)) refs.push({ ...at, path: m[1]!, pluginRelative: true });
    for (const m of line.replace(PLUGIN_REF, "").matchAll(RELATIVE_REF)) {
      if (/^\d|^https?:|^[\w-]+\.(com|org|io|dev|net)$/.test(m[1]!)) continue;
      refs.push({ ...at, path: m[1]!, pluginRelative: false });
    }
  });
  return refs;
}

/**
 * Every file the source names that exists next to it ends up in the package: files of the skill
 * are there already; files of the plugin (scripts, templates, agents the text reads) are copied
 * to the same relative path. `${CLAUDE_PLUGIN_ROOT}` paths that exist nowhere are reported.
 */
export async function includeReferences(
  refs: FileReference[],
  roots: { base: string; plugin: string; sourceDir: (file: string) => string },
  files: PackageFiles,
  state: ConversionState,
): Promise<void> {
  for (const ref of refs) {
    const candidates = ref.pluginRelative
      ? [join(roots.plugin, ref.path)]
      : [join(roots.sourceDir(ref.file), ref.path), join(roots.base, ref.path), join(roots.plugin, ref.path)];
    let found: string | undefined;
    for (const candidate of candidates) {
      if (isInside(roots.plugin, candidate) && (await isFile(candidate))) {
        found = candidate;
        break;
      }
    }
    if (!found) {
      if (ref.pluginRelative)
        state.notes.push(
          `${ref.file}:${ref.line}: \${CLAUDE_PLUGIN_ROOT}/${ref.path} is referenced but not in the plugin; add it to the package if the skill needs it`,
        );
      continue;
    }
    const inBase = isInside(roots.base, found);
    const target = relative(inBase ? roots.base : roots.plugin, found);
    if (files.has(target)) continue;
    if (basename(target) === "SKILL.md") {
      // Another skill: a SKILL.md inside this package would be a second skill to codex.
      state.notes.push(`${ref.file}:${ref.line}: ${target} is another skill; convert it on its own`);
      continue;
    }
    try {
      const text = await readTextSafe(found, { root: roots.plugin });
      files.set(target, target.endsWith(".md") ? convertCopied(text, display(found), state) : text);
      state.notes.push(`${ref.file}:${ref.line}: ${target} is referenced; copied into the package`);
    } catch (error) {
      state.unconverted.push({
        file: ref.file,
        line: ref.line,
        construct: "referenced file not copied",
        text: ref.path,
        hint: error instanceof Error ? error.message : String(error),
      });
    }
  }
}

async function isFile(path: string): Promise<boolean> {
  return (await exists(path)) && (await stat(path)).isFile();
}

/** A referenced Markdown file is converted like the skill's own files (its frontmatter kept as written). */
function convertCopied(text: string, file: string, state: ConversionState): string {
  const fm = sourceFrontmatter(text, file, state);
  const offset = fm.bodyStartLine - 1;
  const body = convertMarkdown(file, fm.body, offset, state);
  reportMissed(file, fm.body, offset, state);
  return text.split("\n").slice(0, offset).concat(body.split("\n")).join("\n");
}
