import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  codexConfigToml,
  LOCAL_API_KEY_ENV,
  scriptedModelCatalog,
} from "../../src/model-server/codex-config.ts";

export interface CodexTestEnv {
  home: string;
  codexHome: string;
  env: NodeJS.ProcessEnv;
  codexBin: string;
  cleanup(): Promise<void>;
}

const REPO_ROOT = resolve(fileURLToPath(new URL("../..", import.meta.url)));
const PINNED_NODE_DIR = join(REPO_ROOT, "node_modules", "node", "bin");

/** Keys that could make codex reach a real model or pick up the developer's own setup. */
const DROPPED_ENV = /^(OPENAI_|CODEX_|AZURE_OPENAI_)/;

/**
 * An empty HOME and CODEX_HOME whose config.toml points codex at a scripted model server
 * (see docs/model-server.md), plus the env to run codex with. Call cleanup() in afterEach/afterAll.
 * @example
 * const server = await startModelServer({ script });
 * const t = await makeCodexTestEnv({ baseUrl: server.url });
 * spawn(t.codexBin, ["exec", "--json", "--skip-git-repo-check", "hi"], { env: t.env, stdio: ["ignore", "pipe", "pipe"] });
 */
export async function makeCodexTestEnv(opts: { baseUrl: string }): Promise<CodexTestEnv> {
  const root = await mkdtemp(join(tmpdir(), "baton-codex-"));
  const home = join(root, "home");
  const codexHome = join(root, "codex-home");
  const catalog = join(codexHome, "scripted-model-catalog.json");
  await Promise.all([mkdir(home), mkdir(codexHome)]);
  await writeFile(catalog, JSON.stringify(scriptedModelCatalog(), null, 2));
  await writeFile(
    join(codexHome, "config.toml"),
    codexConfigToml({ baseUrl: opts.baseUrl, modelCatalogPath: catalog }),
  );

  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!DROPPED_ENV.test(key)) env[key] = value;
  Object.assign(env, { HOME: home, CODEX_HOME: codexHome, [LOCAL_API_KEY_ENV]: "test" });
  // bin/codex is a Node script: under Node >= 23.11 it execve()s into the native binary (same pid, so
  // signals and kills reach codex); under an older `node` on PATH it spawns a child that a SIGKILL of
  // the wrapper leaves running. Put the pinned Node 24 first so the pid the test holds is codex itself.
  env.PATH = [PINNED_NODE_DIR, env.PATH].filter(Boolean).join(delimiter);

  return {
    home,
    codexHome,
    env,
    codexBin: join(REPO_ROOT, "node_modules", ".bin", "codex"),
    cleanup: () => rm(root, { recursive: true, force: true, maxRetries: 3 }),
  };
}
