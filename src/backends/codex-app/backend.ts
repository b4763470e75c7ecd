import { codexResolver } from "../codex/backend.ts";
import type { SessionBackend } from "../types.ts";
import { CodexAppSession } from "./session.ts";

export interface CodexAppBackendOptions {
  /**
   * Path or name of the codex binary. Default: `$BATON_CODEX_BIN`, else `codex` on PATH, else the copy
   * pinned in baton's own node_modules.
   */
  codexPath?: string;
  /** Rehearsals: baton's pinned codex before the one on PATH. */
  preferPinned?: boolean;
  /** Extra `-c key=value` overrides for the app-server, passed as they are. */
  configOverrides?: string[];
  /** Environment of the app-server; default: baton's own. */
  env?: NodeJS.ProcessEnv;
  /** A request the app-server does not answer within this is taken as a hung server. Default 30 s. */
  requestTimeoutMs?: number;
  /** Run with a codex of another version than the one whose protocol baton was written for. */
  anyVersion?: boolean;
  /**
   * Threads one app-server loads before new ones go to a fresh server (the old one stops when its last
   * running turn ends; idle agents are resumed by id). Default 64: an app-server keeps about 1–3 MB
   * per thread it ever loaded, so a long `baton mcp` session would otherwise grow without bound.
   */
  threadsPerServer?: number;
}

const DEFAULT_THREADS_PER_SERVER = 64;

/**
 * Runs every agent as a thread of one long-lived `codex app-server` per pool (JSON-RPC over stdio):
 * a turn is a `turn/start` request, not a new process.
 */
export function codexAppBackend(options: CodexAppBackendOptions = {}): SessionBackend {
  const resolve = codexResolver(options);
  return {
    name: "codex-app",
    kind: "session",
    resolve,
    openSession: (context) =>
      new CodexAppSession(
        {
          file: resolve(),
          args: [
            "app-server",
            "--disable",
            "unbounded_connection_retries",
            ...(options.configOverrides ?? []).flatMap((o) => ["-c", o]),
          ],
          env: options.env ?? process.env,
          requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
          anyVersion: options.anyVersion ?? false,
          threadsPerServer: options.threadsPerServer ?? DEFAULT_THREADS_PER_SERVER,
        },
        context,
      ),
  };
}
