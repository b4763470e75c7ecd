import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { MAP_AGENT } from "../map/helpers.ts";

const MAIN = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));

export interface TestRedis {
  url: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** Waits for a line matching `pattern` on a child's stream, or fails after `timeoutMs`. */
export function waitForLine(
  stream: NodeJS.ReadableStream,
  pattern: RegExp,
  timeoutMs: number,
  what: string,
): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = "";
    const timer = setTimeout(
      () => reject(new Error(`${what}: no line matching ${pattern} within ${timeoutMs} ms:\n${text}`)),
      timeoutMs,
    );
    stream.on("data", (chunk: Buffer) => {
      text += chunk.toString();
      const m = pattern.exec(text);
      if (m) {
        clearTimeout(timer);
        resolve(m[0]);
      }
    });
  });
}

/** Stops a child with `signal`, and with SIGKILL if it is still there after `graceMs`. */
async function stopChild(
  child: ChildProcess,
  signal: NodeJS.Signals = "SIGTERM",
  graceMs = 15_000,
): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill(signal);
  const late = setTimeout(() => child.kill("SIGKILL"), graceMs);
  await exited;
  clearTimeout(late);
}

/**
 * Debian's redis-server on 127.0.0.1 on a free port: no persistence, 64 MB at most, and `timeout`
 * ends it after 10 minutes even if a test run dies before stopping it.
 */
export async function startRedis(): Promise<TestRedis> {
  const port = await freePort();
  const child = spawn(
    "timeout",
    [
      "600",
      "redis-server",
      "--port",
      String(port),
      "--bind",
      "127.0.0.1",
      "--save",
      "",
      "--appendonly",
      "no",
      "--maxmemory",
      "64mb",
      "--protected-mode",
      "yes",
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  await waitForLine(child.stdout!, /Ready to accept connections/, 10_000, "redis-server");
  return { url: `redis://127.0.0.1:${port}`, stop: () => stopChild(child) };
}

export interface TestWorker {
  name: string;
  child: ChildProcess;
  pid: number;
  dir: string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** `baton worker` flags for test/fixtures/map-agent.mjs as a command backend. */
export const MAP_AGENT_WORKER = [
  "--backend",
  "command",
  "--command",
  `${process.execPath} ${MAP_AGENT} {prompt}`,
];

/**
 * A `baton worker` process in its own working directory (standing in for a machine), by default
 * running test/fixtures/map-agent.mjs; `backend` replaces the backend flags.
 */
export async function startWorker(
  url: string,
  name: string,
  state: string,
  extra: string[] = [],
  backend: string[] = MAP_AGENT_WORKER,
  env: NodeJS.ProcessEnv = {},
): Promise<TestWorker> {
  const dir = mkdtempSync(join(tmpdir(), `baton-${name}-`));
  const child = spawn(
    process.execPath,
    [MAIN, "worker", "--queue", url, "--name", name, ...backend, "--lock-duration", "1500ms", ...extra],
    {
      cwd: dir,
      env: { ...process.env, BATON_HOME: join(dir, ".baton"), MAP_AGENT_STATE: state, ...env },
      stdio: ["ignore", "ignore", "pipe"],
    },
  );
  let log = "";
  if (process.env.BATON_TEST_WORKER_LOG) child.stderr!.pipe(process.stderr);
  child.stderr!.on("data", (c: Buffer) => {
    log += c.toString();
  });
  // A loaded machine starts node slowly; a worker that never got ready is killed, not left behind.
  await waitForLine(child.stderr!, /ready on redis/, 60_000, `worker ${name}`).catch(async (e: Error) => {
    await stopChild(child, "SIGKILL");
    throw new Error(`${e.message}\n${log}`);
  });
  return { name, child, pid: child.pid!, dir, stop: (signal) => stopChild(child, signal) };
}
