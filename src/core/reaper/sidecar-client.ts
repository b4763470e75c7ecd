import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { WORKER_TAG_VAR } from "../process-tree.ts";
import { OWNER_ID } from "../registry.ts";

let started = false;

/** Starts the sidecar reaper once per process (see sidecar.ts). It never keeps the owner alive. */
export function ensureSidecar(): void {
  if (started || process.env.BATON_NO_SIDECAR === "1") return;
  started = true;
  const ext = import.meta.url.endsWith(".ts") ? ".ts" : ".js";
  const script = fileURLToPath(new URL(`./sidecar${ext}`, import.meta.url));
  const env = { ...process.env };
  delete env[WORKER_TAG_VAR];
  const child = spawn(process.execPath, [script, OWNER_ID], {
    detached: true,
    stdio: ["pipe", "ignore", "ignore"],
    env,
  });
  child.on("error", () => {});
  child.unref();
  // The pipe stays open for the owner's lifetime without holding its event loop.
  (child.stdin as unknown as { unref?: () => void }).unref?.();
  child.stdin?.on("error", () => {});
}
