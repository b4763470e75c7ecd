import { accessSync, constants } from "node:fs";
import { delimiter, isAbsolute, join } from "node:path";

/** Absolute path of an executable found on PATH (or the given path if it is executable), else undefined. */
export function which(command: string, pathEnv = process.env.PATH ?? ""): string | undefined {
  const candidates = command.includes("/")
    ? [command]
    : pathEnv.split(delimiter).map((dir) => join(dir, command));
  for (const candidate of candidates) {
    if (!isAbsolute(candidate) && !command.includes("/")) continue;
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}
