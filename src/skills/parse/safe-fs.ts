import { lstat, readdir, readFile, realpath, stat } from "node:fs/promises";
import { isAbsolute, join, relative, resolve, sep } from "node:path";
import { BatonError } from "../../errors.ts";

/** Larger inputs are refused: a skill file is text meant for a model's context, not a data dump. */
export const MAX_FILE_BYTES = 1024 * 1024;
export const MAX_PACKAGE_FILES = 500;

/** True when `child` is `root` or lies under it (both resolved). */
export function isInside(root: string, child: string): boolean {
  const rel = relative(resolve(root), resolve(child));
  return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
}

/** Checks a package-relative path before anything is written or read through it. */
export function assertRelativePath(relPath: string, what: string): string {
  const parts = relPath.split(/[/\\]/);
  if (relPath.length === 0 || isAbsolute(relPath) || parts.includes("..") || relPath.includes("\0")) {
    throw new BatonError(
      "E_CONFIG",
      `${what}: "${relPath}" must be a relative path inside the package (no leading "/", no "..")`,
    );
  }
  return parts.filter((p) => p !== "" && p !== ".").join("/");
}

/**
 * Reads a UTF-8 text file, refusing symlinks that leave `root`, files over `maxBytes` and binary files.
 * @example await readTextSafe("skill/SKILL.md", { root: "skill" })
 */
export async function readTextSafe(
  path: string,
  options: { root?: string; maxBytes?: number } = {},
): Promise<string> {
  const maxBytes = options.maxBytes ?? MAX_FILE_BYTES;
  let info: Awaited<ReturnType<typeof lstat>>;
  try {
    info = await lstat(path);
  } catch {
    throw new BatonError("E_NOT_FOUND", `${path}: no such file; check the path`, { file: path });
  }
  if (info.isSymbolicLink()) await assertLinkInside(path, options.root);
  const target = info.isSymbolicLink() ? await stat(path) : info;
  if (target.isDirectory()) {
    throw new BatonError("E_USAGE", `${path} is a directory; expected a file`, { file: path });
  }
  if (target.size > maxBytes) {
    throw new BatonError(
      "E_CONFIG",
      `${path} is ${target.size} bytes; skill files are limited to ${maxBytes} bytes. Split it or move data out.`,
      { file: path },
    );
  }
  const buffer = await readFile(path);
  if (buffer.includes(0)) {
    throw new BatonError("E_CONFIG", `${path} looks binary (it contains NUL bytes); expected a text file`, {
      file: path,
    });
  }
  return buffer.toString("utf8").replace(/^\uFEFF/, "");
}

async function assertLinkInside(path: string, root: string | undefined): Promise<void> {
  const base = root ?? resolve(path, "..");
  let real: string;
  try {
    real = await realpath(path);
  } catch {
    throw new BatonError("E_CONFIG", `${path} is a broken symlink; remove it or point it at a file`, {
      file: path,
    });
  }
  if (!isInside(await realpath(base), real)) {
    throw new BatonError(
      "E_CONFIG",
      `${path} is a symlink to ${real}, outside ${base}; copy the file into the package instead`,
      { file: path },
    );
  }
}

/** Lists the files under `root` (relative, "/"-separated), refusing symlinks that leave it. */
export async function listFilesSafe(root: string): Promise<string[]> {
  const out: string[] = [];
  const realRoot = await realpath(root);
  async function walk(dir: string): Promise<void> {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (entry.name === ".git" || entry.name === "node_modules" || entry.name === ".DS_Store") continue;
      const full = join(dir, entry.name);
      if (entry.isSymbolicLink()) {
        await assertLinkInside(full, realRoot);
        if ((await stat(full)).isDirectory()) {
          throw new BatonError("E_CONFIG", `${full} is a symlinked directory; copy its files instead`, {
            file: full,
          });
        }
      }
      if (entry.isDirectory()) await walk(full);
      else out.push(relative(root, full).split(sep).join("/"));
      if (out.length > MAX_PACKAGE_FILES) {
        throw new BatonError(
          "E_CONFIG",
          `${root} holds more than ${MAX_PACKAGE_FILES} files; is it a skill?`,
          {
            file: root,
          },
        );
      }
    }
  }
  await walk(root);
  return out.sort();
}

export async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}
