import { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } from "node:fs";
import { FILE_MODE } from "./private-fs.ts";

/** Writes a file so that readers see the old or the new content, never a torn one (temp → fsync → rename). */
export function writeFileAtomic(file: string, content: string): void {
  const temp = `${file}.${process.pid}.tmp`;
  try {
    const fd = openSync(temp, "w", FILE_MODE);
    try {
      writeSync(fd, content);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temp, file);
  } catch (error) {
    // A full disk must not also leave a half-written temp file behind.
    rmSync(temp, { force: true });
    throw error;
  }
}

export function writeJsonAtomic(file: string, value: unknown): void {
  writeFileAtomic(file, `${JSON.stringify(value, null, 2)}\n`);
}
