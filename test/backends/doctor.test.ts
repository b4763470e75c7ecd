import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import {
  checkClaude,
  checkCodex,
  checkCommand,
  renderDoctor,
  runDoctor,
} from "../../src/cli/commands/doctor.ts";

const REPO = resolve(fileURLToPath(new URL("../..", import.meta.url)));
const BIN = join(REPO, "node_modules", ".bin");
const root = mkdtempSync(join(tmpdir(), "baton-doctor-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let n = 0;
/** An empty HOME, the repo's pinned CLIs (and node) on PATH, nothing else. */
function cleanEnv(extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  const home = join(root, `home-${++n}`);
  mkdirSync(home);
  return { PATH: `${BIN}:${dirname(process.execPath)}:/usr/bin:/bin`, HOME: home, ...extra };
}

describe("baton doctor checks", () => {
  it("finds both CLIs and their versions, and says how to add missing credentials", async () => {
    const env = cleanEnv();
    const [codex, claude] = await Promise.all([checkCodex(env), checkClaude(env)]);
    expect(codex).toMatchObject({
      installed: true,
      version: "codex-cli 0.169.0",
      ready: false,
      credentials: { ok: false },
    });
    expect(codex.advice).toEqual(["log in: `codex login`, or set CODEX_API_KEY"]);
    expect(claude).toMatchObject({ installed: true, version: "2.1.330 (Claude Code)", ready: false });
    expect(claude.advice).toEqual(["log in: run `claude` once and use /login, or set ANTHROPIC_API_KEY"]);
  });

  it("recognises credentials by where they are, without printing them", async () => {
    const env = cleanEnv({ ANTHROPIC_API_KEY: "sk-secret-value", ANTHROPIC_BASE_URL: "http://127.0.0.1:9" });
    mkdirSync(join(env.HOME!, ".codex"));
    writeFileSync(join(env.HOME!, ".codex", "auth.json"), "{}");
    const report = await runDoctor({ env });
    expect(report.ready).toEqual(["codex", "claude"]);
    expect(report.backends[0]!.credentials.source).toMatch(/^codex login \(.*auth\.json\)$/);
    expect(report.backends[1]!.credentials.source).toBe("ANTHROPIC_API_KEY");
    expect(report.backends[1]!.notes).toContain("model endpoint: http://127.0.0.1:9");
    const text = renderDoctor(report);
    expect(text).not.toContain("sk-secret-value");
    expect(text).toMatch(/Ready: codex, claude\./);
  });

  it("a custom codex provider in config.toml counts; a broken config.toml is reported", async () => {
    const env = cleanEnv({ CODEX_HOME: join(root, "codex-home") });
    mkdirSync(env.CODEX_HOME!);
    writeFileSync(join(env.CODEX_HOME!, "config.toml"), 'model_provider = "local"\n');
    expect((await checkCodex(env)).credentials).toEqual({
      ok: true,
      source: 'model_provider "local" in config.toml (its key is not checked)',
    });
    writeFileSync(join(env.CODEX_HOME!, "config.toml"), "model_provider = \n");
    expect((await checkCodex(env)).advice[0]).toMatch(/config\.toml does not parse/);
  });

  it("a missing CLI gets install advice", async () => {
    const env = cleanEnv({ BATON_CODEX_BIN: "/nonexistent/codex", BATON_CLAUDE_BIN: "/nonexistent/claude" });
    const [codex, claude] = await Promise.all([checkCodex(env), checkClaude(env)]);
    expect(codex).toMatchObject({ installed: false, ready: false });
    expect(codex.advice[0]).toMatch(/npm i -g @openai\/codex.*looked for "\/nonexistent\/codex"/);
    expect(claude.advice[0]).toMatch(/npm i -g @anthropic-ai\/claude-code/);
  });

  it("checks a command template without running it", () => {
    expect(checkCommand(`${process.execPath} --message {prompt}`)).toMatchObject({
      ready: true,
      notes: ["prompt: one argument"],
    });
    expect(checkCommand("no-such-agent-cli").advice).toEqual([
      '"no-such-agent-cli" was not found on PATH: install it or give its full path',
    ]);
    expect(checkCommand("agent | tee").advice[0]).toMatch(/without a shell/);
  });

  it("`baton doctor --json` prints the report and exits 1 when nothing is ready", async () => {
    const env = cleanEnv();
    const { code, stdout } = await new Promise<{ code: number | null; stdout: string }>((done) => {
      const child = execFile(
        process.execPath,
        [join(REPO, "src", "cli", "main.ts"), "doctor", "--json"],
        { env, cwd: REPO, timeout: 30_000 },
        (_error, out) => done({ code: child.exitCode, stdout: out }),
      );
    });
    expect(code).toBe(1);
    const report = JSON.parse(stdout);
    expect(report.backends.map((b: { name: string }) => b.name)).toEqual(["codex", "claude", "command"]);
    expect(report.ready).toEqual([]);
  });
});
