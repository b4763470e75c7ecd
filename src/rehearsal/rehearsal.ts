import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createBackend } from "../backends/registry.ts";
import type { Backend } from "../backends/types.ts";
import { codexConfigToml, LOCAL_API_KEY_ENV, scriptedModelCatalog } from "../model-server/codex-config.ts";
import { loadScript } from "../model-server/script.ts";
import { type ModelServer, startModelServer } from "../model-server/server.ts";

/** The script `baton run --rehearse` uses unless `--script` names another. */
export const DEFAULT_REHEARSAL_SCRIPT = fileURLToPath(
  new URL("../../examples/rehearsal.yaml", import.meta.url),
);

export interface Rehearsal {
  server: ModelServer;
  /** A codex backend whose workers talk only to the scripted server (temporary HOME and CODEX_HOME). */
  backend: Backend;
  /** The same over another codex transport (`codex`, `codex-exec`, `codex-app`). */
  backendFor(name: string): Backend;
  env: NodeJS.ProcessEnv;
  close(): Promise<void>;
}

/**
 * Starts a scripted model server on 127.0.0.1 and a throw-away codex configuration pointing at it,
 * so a workflow runs with the real codex CLI, offline, without credentials and without spending tokens.
 * The user's own ~/.codex is never read or written.
 */
export async function startRehearsal(scriptFile = DEFAULT_REHEARSAL_SCRIPT): Promise<Rehearsal> {
  const script = await loadScript(scriptFile);
  const server = await startModelServer({ script, port: 0, idleTimeoutMs: 0 });
  const root = mkdtempSync(join(tmpdir(), "baton-rehearsal-"));
  const dirs = { home: mkdtempSync(join(root, "home-")), codexHome: mkdtempSync(join(root, "codex-")) };
  const catalog = join(dirs.codexHome, "scripted-model-catalog.json");
  writeFileSync(catalog, JSON.stringify(scriptedModelCatalog()));
  writeFileSync(
    join(dirs.codexHome, "config.toml"),
    codexConfigToml({ baseUrl: server.url, modelCatalogPath: catalog }),
  );
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env))
    if (!/^(OPENAI_|CODEX_|AZURE_OPENAI_)/.test(key)) env[key] = value;
  Object.assign(env, { HOME: dirs.home, CODEX_HOME: dirs.codexHome, [LOCAL_API_KEY_ENV]: "rehearsal" });
  return {
    server,
    env,
    backend: createBackend("codex", { env, preferPinned: true }),
    backendFor: (name) => createBackend(name, { env, preferPinned: true }),
    async close() {
      await server.close();
      rmSync(root, { recursive: true, force: true });
    },
  };
}
