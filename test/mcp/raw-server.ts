import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { taggedProcesses } from "../../src/core/process/procfs.ts";

export const MAIN = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));
export const FAKE_CODEX = fileURLToPath(new URL("./fixtures/fake-codex.mjs", import.meta.url));
/** The fake speaks `codex exec --json`: a server whose workers are the fake runs that transport. */
export const FAKE_CODEX_BACKEND = ["--backend", "codex-exec"];

export type Message = Record<string, unknown>;

/** Worker processes (and their descendants) started by the `baton mcp` process `pid`. */
export const workersOf = (pid: number) => taggedProcesses((tag) => tag.startsWith(`${pid}.`));

/**
 * `baton mcp` as a child speaking line-delimited JSON-RPC, for tests that must see raw replies and its
 * exit. Its workers are the fake codex; its state lives in a temporary directory. Call stop() at the end.
 */
export function startRaw(
  args: string[] = [],
  options: { answerMs?: number; codexBin?: string; backendArgs?: string[] } = {},
) {
  const state = mkdtempSync(join(tmpdir(), "baton-mcp-state-"));
  const child = spawn(
    process.execPath,
    [MAIN, "mcp", ...(options.backendArgs ?? FAKE_CODEX_BACKEND), ...args],
    {
      env: {
        ...process.env,
        BATON_CODEX_BIN: options.codexBin ?? FAKE_CODEX,
        FAKE_STATE_DIR: state,
        BATON_HOME: join(state, "baton"),
      },
      stdio: ["pipe", "pipe", "pipe"],
    },
  );
  const stdoutLines: string[] = [];
  /** Replies whose id is null (to input that had none a server could read). */
  const anonymous: Message[] = [];
  const pending = new Map<number | string, (message: Message) => void>();
  let buffer = "";
  child.stdout!.on("data", (chunk: Buffer) => {
    buffer += chunk.toString();
    for (let nl = buffer.indexOf("\n"); nl >= 0; nl = buffer.indexOf("\n")) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      stdoutLines.push(line);
      const message = JSON.parse(line) as Message;
      if (message.id === null) anonymous.push(message);
      else pending.get(message.id as number)?.(message);
    }
  });
  let stderr = "";
  child.stderr!.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  let nextId = 1;
  const answerMs = options.answerMs ?? 30_000;
  /** Waits for the reply to `id`. */
  const reply = (id: number | string, what: string) =>
    new Promise<Message>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`no answer to ${what} in ${answerMs} ms; stderr: ${stderr.slice(-2000)}`)),
        answerMs,
      );
      pending.set(id, (message) => {
        clearTimeout(timer);
        pending.delete(id);
        resolve(message);
      });
    });
  /** Writes one raw line (a newline is added). */
  const writeLine = (line: string | Buffer) =>
    new Promise<void>((resolve) => {
      child.stdin!.write(line);
      if (child.stdin!.write("\n")) resolve();
      else child.stdin!.once("drain", () => resolve());
    });
  const request = (method: string, params: Message = {}) => {
    const id = nextId++;
    const answer = reply(id, method);
    void writeLine(JSON.stringify({ jsonrpc: "2.0", id, method, params }));
    return answer;
  };
  const initialize = async () => {
    await request("initialize", {
      protocolVersion: "2025-06-18",
      capabilities: {},
      clientInfo: { name: "raw", version: "0" },
    });
    await writeLine(JSON.stringify({ jsonrpc: "2.0", method: "notifications/initialized" }));
  };
  const callTool = (name: string, args: Message) =>
    request("tools/call", { name, arguments: args }).then(
      (m) => (m.result as { structuredContent: Message }).structuredContent,
    );
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill("SIGKILL");
      await exit;
    }
    for (const p of workersOf(child.pid!)) process.kill(p.pid, "SIGKILL");
    rmSync(state, { recursive: true, force: true });
  };
  return {
    child,
    exit,
    stdoutLines,
    anonymous,
    stderr: () => stderr,
    initialize,
    request,
    reply,
    writeLine,
    callTool,
    stop,
    state,
  };
}
