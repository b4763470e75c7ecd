import { randomBytes } from "node:crypto";
import { BatonError } from "../../errors.ts";
import { type ChildSpec, type SupervisedChild, startChild } from "./child.ts";
import { killTreeNow } from "./kill.ts";
import { ownerId } from "./owner.ts";
import { ProcReader, readProc } from "./procfs.ts";
import { startSidecar } from "./sidecar-client.ts";
import { ExitSweeper } from "./sweep.ts";

export interface SupervisorOptions {
  /**
   * Start a sidecar reaper next to the first process, which kills this supervisor's processes if
   * its owner dies without running any handler (SIGKILL). Default: on, unless BATON_NO_SIDECAR=1.
   */
  sidecar?: boolean;
  /** Kill every live process tree when the owner's process exits. Default: on. */
  killOnExit?: boolean;
  /** Where failures of background housekeeping go (a sweep that could not read /proc). Default: a process warning. */
  onError?: (error: unknown) => void;
}

/**
 * Owns every child process baton starts for one pool, run or server: worker turns, `--setup` and
 * `--verify` commands. It tags each tree, kills it on deadline, stall, cancel or stop, sweeps what a
 * process leaves behind when it exits, and knows what is still alive. No process-wide state: two
 * supervisors in one process never see each other's children. Nothing is installed on the host process
 * except a `process.on("exit")` listener while something is alive (removed with the last child);
 * signal handling is the entry point's business (`handleSignals`).
 *
 * @example
 * const supervisor = new Supervisor();
 * const child = supervisor.spawn({ file: "sh", args: ["-c", "make"], cwd, tag: supervisor.scope() + ":make" });
 * const exit = await child.done;
 * supervisor.dispose();
 */
export class Supervisor {
  /** `<owner pid>.<owner start ticks>:<random>`: the start of every tag this supervisor hands out. */
  readonly id: string;
  readonly #live = new Map<number, { tag: string; startTicks: number }>();
  readonly #sweeper: ExitSweeper;
  readonly #options: SupervisorOptions;
  /** This supervisor's /proc read buffer (no module-level buffer shared between supervisors). */
  readonly #proc = new ProcReader();
  #scopes = 0;
  #sidecar: { close(): void } | undefined;
  readonly #onExit = () => this.killAll();

  constructor(options: SupervisorOptions = {}) {
    if (process.platform !== "linux")
      throw new BatonError(
        "E_UNSUPPORTED",
        `baton supervises worker processes through /proc, which only Linux has; this is ${process.platform}. Run baton on Linux (a container or WSL works)`,
      );
    this.#options = options;
    this.id = `${ownerId()}:${randomBytes(4).toString("hex")}`;
    this.#sweeper = new ExitSweeper(options.onError ?? warn);
  }

  /** A fresh tag prefix (one per pool or command), so equal names in two scopes never share a tag. */
  scope(): string {
    this.#scopes += 1;
    return `${this.id}.${this.#scopes}`;
  }

  /** Processes started and not yet gone. */
  get liveCount(): number {
    return this.#live.size;
  }

  /** Starts one process tree. Never throws: a process that cannot start resolves `done` with `startError`. */
  spawn<R extends string = never>(spec: ChildSpec): SupervisedChild<R> {
    return startChild<R>(spec, {
      register: (pid, tag) => this.#register(pid, tag),
      unregister: (pid) => this.#unregister(pid),
      afterExit: (pid, tag, startTicks) => this.#sweeper.afterExit(pid, tag, startTicks),
    });
  }

  /** Kills every live tree at once, synchronously (for exit paths and a second Ctrl-C). */
  killAll(): void {
    for (const [pid, { tag, startTicks }] of this.#live) killTreeNow(pid, tag, startTicks);
    this.#live.clear();
    process.off("exit", this.#onExit);
  }

  /** Kills what is left and lets the sidecar go. The supervisor can still be used afterwards. */
  dispose(): void {
    this.killAll();
    this.#sidecar?.close();
    this.#sidecar = undefined;
  }

  #register(pid: number, tag: string): number {
    const startTicks = readProc(pid, this.#proc)?.startTicks ?? 0;
    if (this.#live.size === 0 && this.#options.killOnExit !== false) process.on("exit", this.#onExit);
    this.#live.set(pid, { tag, startTicks });
    const wantSidecar = this.#options.sidecar ?? process.env.BATON_NO_SIDECAR !== "1";
    if (wantSidecar && !this.#sidecar) this.#sidecar = startSidecar(`${this.id}.`);
    return startTicks;
  }

  #unregister(pid: number): void {
    if (!this.#live.delete(pid)) return;
    if (this.#live.size === 0) process.off("exit", this.#onExit);
  }
}

function warn(error: unknown): void {
  process.emitWarning(error instanceof Error ? error : String(error), { code: "BATON_SWEEP" });
}
