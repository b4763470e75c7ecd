import { appendFileSync, mkdirSync, writeFileSync } from "node:fs";

/**
 * The run record holds prompts, answers and worker output: readable by its owner only. Modes are given
 * explicitly on every create (never through process.umask, which workers would inherit and apply to
 * the user's own files).
 */
export const DIR_MODE = 0o700;
export const FILE_MODE = 0o600;

export function makePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: DIR_MODE });
}

/** With `flush`, fsync'd before it returns. */
export function writePrivateFile(file: string, content: string, flush = false): void {
  writeFileSync(file, content, { mode: FILE_MODE, flush });
}

/** One append; with `flush`, fsync'd before it returns (see docs/formats.md, "fsync policy"). */
export function appendPrivateFile(file: string, content: string, flush = false): void {
  appendFileSync(file, content, { mode: FILE_MODE, flush });
}
