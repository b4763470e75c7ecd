// The fan-out benchmark's SDK row is optional: `npm run bench:setup` installs @openai/codex-sdk here
// (bench/sdk/node_modules, without its bundled 400 MB codex: the benchmark points it at baton's codex).
// The import resolves from this directory, so the SDK never joins the project's default install.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** The part of @openai/codex-sdk the benchmark uses. */
export interface CodexSdk {
  Codex: new (options: {
    codexPathOverride: string;
    env: Record<string, string>;
  }) => {
    startThread(options: { workingDirectory: string; skipGitRepoCheck: boolean; sandboxMode: "read-only" }): {
      run(prompt: string): Promise<{ finalResponse: string }>;
    };
  };
}

const SDK_DIR = fileURLToPath(new URL("./node_modules/@openai/codex-sdk", import.meta.url));
export const SDK_SETUP = "npm run bench:setup";

export function sdkInstalled(): boolean {
  return existsSync(SDK_DIR);
}

export async function loadSdk(): Promise<CodexSdk> {
  const name = "@openai/codex-sdk";
  return (await import(name)) as CodexSdk;
}
