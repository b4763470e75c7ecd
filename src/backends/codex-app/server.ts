import { PassThrough, type Readable, type Writable } from "node:stream";
import type { SupervisedChild } from "../../core/process/child.ts";
import type { Supervisor } from "../../core/process/supervisor.ts";
import { BatonError } from "../../errors.ts";
import { tailBuffer } from "../../util/lines.ts";
import { INITIALIZE_PARAMS, InitializeResult, PINNED_CODEX_VERSION, versionOfUserAgent } from "./protocol.ts";
import { type RpcHandlers, RpcPeer, RpcTimeout } from "./rpc.ts";

export interface AppServerSpec {
  file: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  /** The process tag of the server (and of whatever it starts outside a thread). */
  tag: string;
  /** A request without an answer for this long means the server hangs. */
  requestTimeoutMs: number;
  /** Accept a codex whose version differs from the pinned one. */
  anyVersion: boolean;
  /** Starts the server process: tagged, swept when it exits, killed with the pool. */
  supervisor: Supervisor;
}

/** One running `codex app-server`: its JSON-RPC peer, its exit, and a kill of its whole tree. */
export class AppServer {
  readonly pid: number;
  readonly rpc: RpcPeer;
  /** Resolves with a sentence saying how the server ended. */
  readonly exited: Promise<string>;
  readonly #child: SupervisedChild<"killed">;
  /** The server's start time in clock ticks: every process it starts is younger. */
  get startTicks(): number {
    return this.#child.startTicks;
  }
  readonly #stderr = tailBuffer(4_096);

  /** The server's stderr is its log, shared by all threads: kept for the reason it ended, never a turn's output. */
  private constructor(spec: AppServerSpec, handlers: RpcHandlers) {
    // Whatever it leaves behind outside the threads is swept by the supervisor when it exits.
    this.#child = spec.supervisor.spawn<"killed">({
      file: spec.file,
      args: spec.args,
      cwd: process.cwd(),
      env: spec.env,
      tag: spec.tag,
      keepStdinOpen: true,
    });
    this.pid = this.#child.pid ?? -1;
    this.rpc = new RpcPeer(this.#child.stdout ?? closedStream(), this.#child.stdin ?? nullSink(), handlers);
    this.#child.stderr?.on("data", (chunk: Buffer) => {
      const text = chunk.toString("utf8");
      this.#stderr.push(text);
    });
    this.exited = this.#child.done.then((exit) => {
      const how = exit.startError
        ? `could not be started (${exit.startError})`
        : exit.signal
          ? `was killed by ${exit.signal}`
          : `exited with code ${exit.exitCode}`;
      const detail = lastMeaningfulLine(this.#stderr.text());
      const reason = `codex app-server ${how}${detail ? `: ${detail}` : ""}`;
      this.rpc.closeAll(new Error(reason));
      return reason;
    });
  }

  /** Starts the server and completes the handshake; rejects with a `BatonError` that says what to do. */
  static async start(spec: AppServerSpec, handlers: RpcHandlers): Promise<AppServer> {
    const server = new AppServer(spec, handlers);
    try {
      const answer = await Promise.race([
        server.rpc.request("initialize", INITIALIZE_PARAMS, spec.requestTimeoutMs),
        server.exited.then((reason) => Promise.reject(new Error(reason))),
      ]);
      const { userAgent } = InitializeResult.parse(answer);
      const version = versionOfUserAgent(userAgent);
      if (!spec.anyVersion && version !== PINNED_CODEX_VERSION) {
        throw new BatonError(
          "E_BACKEND",
          `the codex-app backend speaks the app-server protocol of codex ${PINNED_CODEX_VERSION}, but ` +
            `${spec.file} is codex ${version ?? `of unknown version ("${userAgent}")`}. ` +
            `Use --backend codex-exec (any codex version), or install @openai/codex@${PINNED_CODEX_VERSION}.`,
        );
      }
      server.rpc.notify("initialized");
      return server;
    } catch (error) {
      await server.kill();
      if (error instanceof BatonError) throw error;
      const code = error instanceof RpcTimeout ? "E_TIMEOUT" : "E_BACKEND";
      throw new BatonError(code, `codex app-server did not start: ${(error as Error).message}`, {
        cause: error,
      });
    }
  }

  /** Kills the server and everything it started; resolves once it has exited. */
  async kill(): Promise<void> {
    await this.#child.stop("killed", 0);
    await this.exited;
  }
}

const ANSI_COLOUR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, "g");

function lastMeaningfulLine(text: string): string {
  const lines = text
    .split("\n")
    .map((l) => l.replace(ANSI_COLOUR, "").trim())
    .filter((l) => l !== "" && !/CODEX_HOME|PATH aliases|helper binaries|bubblewrap/i.test(l));
  return (lines.at(-1) ?? "").slice(0, 300);
}

/** Stands in for the pipes of a server that could not be started: the peer sees them closed. */
function closedStream(): Readable {
  const stream = new PassThrough();
  stream.end();
  return stream;
}

function nullSink(): Writable {
  return new PassThrough().resume();
}
