/** `baton model-server` as a user runs it: a separate process, read by its --json line and --log file. */
import { type ChildProcess, spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { makeCodexTestEnv } from "../helpers/codex-home.ts";

const ROOT = resolve(fileURLToPath(new URL("../..", import.meta.url)));
const NODE = join(ROOT, "node_modules", ".bin", "node");
const MAIN = join(ROOT, "src", "cli", "main.ts");
const DEADLINE_MS = 20_000;

let dir: string;
const children = new Set<ChildProcess>();

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "baton-model-server-cli-"));
});
afterEach(async () => {
  for (const child of children)
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  children.clear();
  await rm(dir, { recursive: true, force: true });
});

interface Started {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exit: Promise<number | null>;
}

function start(bin: string, args: string[], env: NodeJS.ProcessEnv = process.env): Started {
  const child = spawn(bin, args, { cwd: dir, env, stdio: ["ignore", "pipe", "pipe"] });
  children.add(child);
  let out = "";
  let err = "";
  child.stdout!.setEncoding("utf8").on("data", (d: string) => {
    out += d;
  });
  child.stderr!.setEncoding("utf8").on("data", (d: string) => {
    err += d;
  });
  const exit = new Promise<number | null>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${args.join(" ")} still running after ${DEADLINE_MS} ms\n${out}\n${err}`));
    }, DEADLINE_MS);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve(code);
    });
  });
  return { child, stdout: () => out, stderr: () => err, exit };
}

const baton = (args: string[]) => start(NODE, [MAIN, "model-server", ...args]);

async function readyLine(p: Started): Promise<{ url: string; port: number; codexArgs: string[] }> {
  await expect.poll(() => p.stdout().includes("\n"), { timeout: DEADLINE_MS, interval: 20 }).toBe(true);
  return JSON.parse(p.stdout().split("\n")[0]!);
}

async function writeScript(script: string): Promise<string> {
  const file = join(dir, "script.yaml");
  await writeFile(file, script);
  return file;
}

describe("baton model-server", () => {
  it("prints {url, port} when ready, serves, logs JSONL and exits 0 on SIGTERM", async () => {
    const script = await writeScript('rules:\n  - match: "ping"\n    reply: "pong"\n');
    const log = join(dir, "requests.jsonl");
    const p = baton(["--script", script, "--json", "--log", log]);
    const ready = await readyLine(p);
    expect(ready.url).toBe(`http://127.0.0.1:${ready.port}/v1`);

    const res = await fetch(`${ready.url}/responses`, {
      method: "POST",
      body: JSON.stringify({
        model: "m",
        input: [{ role: "user", content: [{ type: "input_text", text: "ping" }] }],
      }),
    });
    expect(await res.text()).toContain('"text":"pong"');

    p.child.kill("SIGTERM");
    expect(await p.exit).toBe(0);
    const lines = (await readFile(log, "utf8"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    expect(lines).toEqual([
      expect.objectContaining({ rule: 0, action: "reply", lastUserText: "ping", status: 200 }),
    ]);
    expect(lines[0]).not.toHaveProperty("body");
  });

  it("prints the codex flags and config for humans, and stops by itself when idle", async () => {
    const script = await writeScript("rules: []\n");
    const p = baton(["--script", script, "--idle-timeout", "300ms"]);
    expect(await p.exit).toBe(0);
    expect(p.stdout()).toMatch(/-c 'model_providers\.local\.base_url="http:\/\/127\.0\.0\.1:\d+\/v1"'/);
    expect(p.stdout()).toContain("[model_providers.local]");
    expect(p.stderr()).toMatch(/no request for 300ms, stopped after 0 requests/);
  });

  it("rejects a bad script with exit 2, naming the file and the path", async () => {
    const script = await writeScript("rules:\n  - match: hi\n    replyy: typo\n");
    const p = baton(["--script", script]);
    expect(await p.exit).toBe(2);
    expect(p.stderr()).toContain(script);
    expect(p.stderr()).toMatch(/rules\[0\]/);
    expect(p.stderr()).toMatch(/replyy/);
  });

  it("rejects a bad port or duration with exit 2", async () => {
    const script = await writeScript("rules: []\n");
    const port = baton(["--script", script, "--port", "99999"]);
    expect(await port.exit).toBe(2);
    expect(port.stderr()).toMatch(/--port must be/);
    const idle = baton(["--script", script, "--idle-timeout", "soon"]);
    expect(await idle.exit).toBe(2);
    expect(idle.stderr()).toMatch(/--idle-timeout/);
  });

  it("its printed codex -c flags alone make the real codex use it", async () => {
    const script = await writeScript('rules:\n  - match: "flags only"\n    reply: "configured by flags"\n');
    const server = baton(["--script", script, "--json"]);
    const ready = await readyLine(server);
    // An env whose config.toml is empty: everything comes from the printed flags.
    const codexEnv = await makeCodexTestEnv({ baseUrl: "http://127.0.0.1:9/unused" });
    try {
      await writeFile(join(codexEnv.codexHome, "config.toml"), "");
      const codex = start(
        codexEnv.codexBin,
        [
          "exec",
          "--json",
          "--skip-git-repo-check",
          "-s",
          "read-only",
          ...ready.codexArgs,
          "--",
          "flags only",
        ],
        codexEnv.env,
      );
      expect(await codex.exit, codex.stderr()).toBe(0);
      const events = codex
        .stdout()
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l));
      const messages = events.filter((e) => e.type === "item.completed" && e.item.type === "agent_message");
      expect(messages.at(-1).item.text).toBe("configured by flags");
    } finally {
      server.child.kill("SIGTERM");
      await server.exit;
      await codexEnv.cleanup();
    }
  });
});
