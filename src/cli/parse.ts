import { statSync } from "node:fs";
import { Option } from "commander";
import { BACKEND_NAMES } from "../backends/registry.ts";
import { BatonError } from "../errors.ts";

/** "a,b, c" → ["a","b","c"]; also accepts the flag repeated (commander collects). */
export function parseList(value: string, previous: string[] = []): string[] {
  return [
    ...previous,
    ...value
      .split(",")
      .map((s) => s.trim())
      .filter(Boolean),
  ];
}

export function parseWhole(flag: string, min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || n < min || n > max) {
      throw new BatonError("E_USAGE", `${flag} must be a whole number from ${min} to ${max}, got "${value}"`);
    }
    return n;
  };
}

/** `-C`/`--cwd`: an existing directory, checked before anything is recorded or spawned. */
export function checkDirectory(dir: string, flag = "-C/--cwd"): void {
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch (error) {
    throw new BatonError(
      "E_USAGE",
      `${flag} "${dir}": ${(error as NodeJS.ErrnoException).code === "ENOENT" ? "no such directory" : (error as Error).message}; give the directory the workers should work in`,
    );
  }
  if (!isDir) throw new BatonError("E_USAGE", `${flag} "${dir}" is not a directory`);
}

/** `--backend <name>`, the same for every command that starts workers. */
export function backendOption(): Option {
  return new Option(
    "--backend <name>",
    "the worker CLI: codex (the default: codex-app when the codex found is 0.169.0, else codex-exec, with a note), codex-app (one codex app-server, every agent a thread of it), codex-exec (a `codex exec` process per turn), claude, command",
  )
    .choices(BACKEND_NAMES)
    .default("codex");
}
