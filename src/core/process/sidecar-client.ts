import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { WORKER_TAG_VAR } from "./procfs.ts";

/**
 * Starts the sidecar reaper (see sidecar.ts) for the processes whose tags start with `tagPrefix`.
 * It never keeps the owner alive; closing the returned handle lets it exit.
 */
export function startSidecar(tagPrefix: string): { close(): void } {
  const ext = import.meta.url.endsWith(".ts") ? ".ts" : ".js";
  const script = fileURLToPath(new URL(`./sidecar${ext}`, import.meta.url));
  const env = { ...process.env };
  delete env[WORKER_TAG_VAR];
  let child: ChildProcess;
  try {
    child = spawn(process.execPath, [script, tagPrefix], {
      detached: true,
      stdio: ["pipe", "ignore", "ignore"],
      env,
    });
  } catch {
    return { close: () => {} };
  }
  child.on("error", () => {});
  child.unref();
  // The pipe stays open for the supervisor's lifetime without holding its event loop.
  (child.stdin as unknown as { unref?: () => void }).unref?.();
  child.stdin?.on("error", () => {});
  return { close: () => child.stdin?.end() };
}
