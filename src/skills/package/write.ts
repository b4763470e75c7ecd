import { mkdir, mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { basename, dirname, join, resolve } from "node:path";
import { BatonError } from "../../errors.ts";
import { assertRelativePath, exists } from "../parse/safe-fs.ts";

/** A package in memory: package-relative path → file content. */
export type PackageFiles = Map<string, string>;

/**
 * Writes `files` into a fresh temporary directory beside `targetDir`. Nothing is visible at
 * `targetDir` until {@link commitStaged} renames it into place.
 */
export async function stageFiles(targetDir: string, files: PackageFiles): Promise<string> {
  const parent = dirname(resolve(targetDir));
  await mkdir(parent, { recursive: true });
  const staging = await mkdtemp(join(parent, `.${basename(targetDir)}.baton-tmp-`));
  try {
    for (const [relPath, content] of files) {
      const safe = assertRelativePath(relPath, "package file");
      const full = join(staging, safe);
      await mkdir(dirname(full), { recursive: true });
      await writeFile(full, content, { flag: "wx" });
    }
  } catch (error) {
    await rm(staging, { recursive: true, force: true });
    throw error;
  }
  return staging;
}

/** Moves a staged directory to `targetDir`; an existing target is replaced only when `overwrite`. */
export async function commitStaged(staging: string, targetDir: string, overwrite: boolean): Promise<void> {
  const target = resolve(targetDir);
  if (await exists(target)) {
    if (!overwrite) {
      await rm(staging, { recursive: true, force: true });
      throw new BatonError(
        "E_USAGE",
        `${target} already exists; pass --force to replace it, or choose another --out or name`,
        { file: target },
      );
    }
    // Rename the old copy aside first so a failure never leaves a half-replaced package.
    const aside = `${staging}-old`;
    await rename(target, aside);
    try {
      await rename(staging, target);
    } catch (error) {
      await rename(aside, target);
      throw error;
    }
    await rm(aside, { recursive: true, force: true });
    return;
  }
  await rename(staging, target);
}

export async function discardStaged(staging: string): Promise<void> {
  await rm(staging, { recursive: true, force: true });
}
