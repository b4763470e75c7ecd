import { codexResolver } from "./codex/backend.ts";
import { PINNED_CODEX_VERSION } from "./codex-app/protocol.ts";
import { binaryVersion } from "./resolve-binary.ts";

export interface CodexTransportChoice {
  /** `codex-app` or `codex-exec`; any other name is returned as it was given. */
  name: string;
  /** Why the default codex transport became `codex-exec`, for the user to read; absent otherwise. */
  note?: string;
  /** The `codex --version` line read to choose (so the caller need not run it again). */
  versionLine?: string;
}

/**
 * What the default `codex` backend runs as with the codex that would be used: the app-server
 * (`codex-app`) when that codex is the version whose app-server protocol baton speaks, else `codex exec`
 * (`codex-exec`), which works with any version. A codex that cannot be found stays `codex-app`: using it
 * reports the missing binary with its advice. Other backend names are returned unchanged.
 */
export async function chooseCodexTransport(
  name: string,
  options: { binary?: string; env?: NodeJS.ProcessEnv; preferPinned?: boolean } = {},
): Promise<CodexTransportChoice> {
  if (name !== "codex") return { name };
  let file: string;
  try {
    file = codexResolver({
      codexPath: options.binary,
      env: options.env,
      preferPinned: options.preferPinned,
    })();
  } catch {
    return { name: "codex-app" };
  }
  const line = await binaryVersion(file, options.env);
  const version = /\d+\.\d+\.\d+[\w.-]*/.exec(line ?? "")?.[0];
  if (version === PINNED_CODEX_VERSION) return { name: "codex-app", versionLine: line };
  return {
    name: "codex-exec",
    versionLine: line,
    note:
      `${file} is codex ${version ?? "of unknown version"}; baton's app-server transport speaks the protocol of ` +
      `codex ${PINNED_CODEX_VERSION}, so the workers run as \`codex exec\` (a process per turn). ` +
      `Install codex ${PINNED_CODEX_VERSION} for the faster transport, or choose a backend explicitly.`,
  };
}
