/**
 * The default `codex` backend is the app-server only with the codex version whose protocol baton speaks;
 * with any other codex it is `codex exec`, and says so.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { chooseCodexTransport } from "../../src/backends/codex-transport.ts";
import { FAKE_CODEX, startRaw } from "../mcp/raw-server.ts";

const PINNED = fileURLToPath(new URL("../../node_modules/.bin/codex", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "baton-codex-transport-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A codex stand-in that reports `version` and otherwise behaves as the fake `codex exec`. */
function codexOfVersion(version: string | undefined): string {
  const file = join(dir, `codex-${version ?? "broken"}`);
  const versionLine = version ? `echo "codex-cli ${version}"; exit 0` : "exit 3";
  writeFileSync(
    file,
    `#!/bin/sh\nif [ "$1" = "--version" ]; then ${versionLine}; fi\nexec "${process.execPath}" "${FAKE_CODEX}" "$@"\n`,
  );
  chmodSync(file, 0o755);
  return file;
}

describe("the default codex transport", () => {
  it("is the app-server with the pinned codex, and leaves other backend names alone", async () => {
    expect(await chooseCodexTransport("codex", { binary: PINNED })).toEqual({
      name: "codex-app",
      versionLine: "codex-cli 0.169.0",
    });
    for (const name of ["codex-exec", "codex-app", "claude", "command"])
      expect(await chooseCodexTransport(name, { binary: codexOfVersion("0.170.0") })).toEqual({ name });
  });

  it("is codex exec with another codex version, or one whose version cannot be read, with a note naming both", async () => {
    const other = await chooseCodexTransport("codex", { binary: codexOfVersion("0.170.0") });
    expect(other.name).toBe("codex-exec");
    expect(other.note).toMatch(
      /is codex 0\.170\.0; .* protocol of codex 0\.169\.0, so the workers run as `codex exec`/,
    );
    const unknown = await chooseCodexTransport("codex", { binary: codexOfVersion(undefined) });
    expect(unknown).toMatchObject({
      name: "codex-exec",
      note: expect.stringContaining("of unknown version"),
    });
  });

  it("a missing codex stays codex-app, so using it reports the missing binary with its advice", async () => {
    expect(await chooseCodexTransport("codex", { binary: join(dir, "no-such-codex") })).toEqual({
      name: "codex-app",
    });
  });

  it("baton mcp without --backend, codex 0.170.0 on hand: agents run as codex exec, and stderr says why", async () => {
    const server = startRaw([], { codexBin: codexOfVersion("0.170.0"), backendArgs: [] });
    try {
      await server.initialize();
      const id = (await server.callTool("spawn_agent", { message: "hello" })).agent_id as string;
      const waited = await server.callTool("wait", { ids: [id], timeout_ms: 20_000 });
      expect(waited.end_reasons).toEqual({ [id]: "completed" });
      expect(server.stderr()).toMatch(/baton mcp: note: .*codex 0\.170\.0.*run as `codex exec`/);
    } finally {
      await server.stop();
    }
  });
});
