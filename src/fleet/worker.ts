import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import type { ConnectionOptions, Job, Worker } from "bullmq";
import type { Redis } from "ioredis";
import { type Backend, isSessionBackend } from "../backends/types.ts";
import { Supervisor } from "../core/process/supervisor.ts";
import { type RunningTurn, type StopReason, startTurn, type TurnOutcome } from "../core/turn.ts";
import { BatonError } from "../errors.ts";
import { Git } from "../git/git.ts";
import { connectRedis, type FleetConnection } from "./connection.ts";
import { loadFleetDeps } from "./deps.ts";
import {
  ALIVE_TTL_MS,
  type FleetMessage,
  HEARTBEAT_MS,
  keys,
  PREFIX,
  StopMessageSchema,
  type TurnJob,
  TurnJobSchema,
  turnsQueue,
  workerQueue,
} from "./protocol.ts";
import { workerCwd } from "./workdir.ts";

export interface FleetWorkerOptions {
  connection: FleetConnection;
  /** The backends this worker runs; it takes turns only for these. */
  backends: Backend[];
  /** Turns at once on this machine. Default 4. */
  concurrency?: number;
  /** Run turns in this checkout of the submitter's repository (same commit) instead of at the submitter's path. */
  checkout?: string;
  /** How long a turn stays this worker's without a lock renewal; a dead worker's turns re-run after it. Default 30 s. */
  lockDurationMs?: number;
  /** Default: `<host>-<pid>-<random>`. */
  workerId?: string;
  log?: (line: string) => void;
  /** Owns every worker process this machine runs for the fleet. Default: one of its own, disposed at close. */
  supervisor?: Supervisor;
}

interface Held {
  turn?: RunningTurn;
  stopped?: StopReason;
}

/**
 * `baton worker`: pulls agent turns from Redis and runs them here with the same backends and the same
 * guarantees as a local pool (deadlines, stall watchdog, whole-tree kills, orphan reaping), sending
 * every event back to the submitter. Turns of a submitter that died are stopped; a stop request
 * reaches the turn wherever it runs.
 */
export class FleetWorker {
  readonly id: string;
  readonly #o: FleetWorkerOptions;
  readonly #host = hostname();
  readonly #supervisor: Supervisor;
  readonly #ownsSupervisor: boolean;
  /** Checks a job's checkout (git on this worker's supervisor). */
  readonly #git: Git;
  readonly #tagPrefix: string;
  readonly #held = new Map<string, Held>();
  readonly #scratch = mkdtempSync(join(tmpdir(), "baton-worker-"));
  readonly #workers: Worker[] = [];
  #redis!: Redis;
  #subscriber: Redis | undefined;
  #started = false;
  #heartbeat: NodeJS.Timeout | undefined;
  #free: number;
  readonly #waiting: Array<() => void> = [];
  #closed = false;

  constructor(options: FleetWorkerOptions) {
    this.#ownsSupervisor = options.supervisor === undefined;
    this.#supervisor = options.supervisor ?? new Supervisor();
    this.#tagPrefix = this.#supervisor.scope();
    this.#git = new Git(this.#supervisor);
    this.#o = options;
    this.id = options.workerId ?? `${hostname()}-${process.pid}-${randomBytes(2).toString("hex")}`;
    this.#free = options.concurrency ?? 4;
    for (const b of options.backends)
      if (isSessionBackend(b))
        throw new BatonError(
          "E_USAGE",
          `baton worker: backend "${b.name}" keeps a session process; the fleet runs process backends (codex exec, claude, command)`,
        );
  }

  /** Turns running on this worker now. */
  get running(): number {
    return [...this.#held.values()].filter((h) => h.turn).length;
  }

  async start(): Promise<void> {
    const { Worker } = await loadFleetDeps();
    this.#redis = await connectRedis(this.#o.connection);
    this.#started = true;
    this.#subscriber = this.#redis.duplicate();
    await this.#subscriber.subscribe(keys.control(this.id));
    this.#subscriber.on("message", (_channel, text: string) => {
      const stop = StopMessageSchema.safeParse(safeJson(text));
      if (stop.success) void this.#stop(stop.data.job, stop.data.reason as StopReason, stop.data.graceMs);
    });
    await this.#beat();
    this.#heartbeat = setInterval(() => void this.#beat(), HEARTBEAT_MS);
    const lockDuration = this.#o.lockDurationMs ?? 30_000;
    const concurrency = this.#o.concurrency ?? 4;
    const names = [...this.#o.backends.map((b) => turnsQueue(b.name)), workerQueue(this.id)];
    for (const name of names) {
      const worker = new Worker(name, (job: Job) => this.#process(job), {
        connection: this.#o.connection.options as ConnectionOptions,
        prefix: PREFIX,
        concurrency,
        lockDuration,
        stalledInterval: Math.max(500, Math.round(lockDuration / 2)),
        maxStalledCount: 10,
        removeOnComplete: { count: 0 },
        removeOnFail: { count: 0 },
        name: this.id,
      });
      // Redis going away is reported and retried, never an unhandled 'error' that ends the process.
      worker.on("error", (error) => this.#o.log?.(`queue ${name}: ${error.message}`));
      this.#workers.push(worker);
    }
    await Promise.all(this.#workers.map((w) => w.waitUntilReady()));
  }

  /**
   * Stops taking turns and kills the running ones without finishing their jobs: their locks expire
   * and other workers run them again (the same as if this machine had died, only sooner for the kill).
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#heartbeat);
    if (!this.#started) return rmSync(this.#scratch, { recursive: true, force: true }); // never started
    const closing = this.#workers.map((w) => w.close(true));
    await Promise.all([...this.#held.values()].map((h) => h.turn?.stop("interrupted", 500)));
    // Bounded: a connection stuck on a dead Redis must not keep a stopping worker alive.
    await Promise.race([
      Promise.allSettled(closing),
      new Promise((resolve) => setTimeout(resolve, 2_000).unref()),
    ]);
    await this.#redis.del(keys.worker(this.id)).catch(() => {});
    this.#subscriber?.disconnect();
    this.#redis.disconnect();
    if (this.#ownsSupervisor) this.#supervisor.dispose();
    rmSync(this.#scratch, { recursive: true, force: true });
  }

  async #beat(): Promise<void> {
    const info = {
      host: this.#host,
      pid: process.pid,
      backends: this.#o.backends.map((b) => b.name),
      running: this.running,
    };
    await this.#redis.set(keys.worker(this.id), JSON.stringify(info), "PX", ALIVE_TTL_MS).catch(() => {});
  }

  async #process(bullJob: Job): Promise<void> {
    const parsed = TurnJobSchema.safeParse(bullJob.data);
    if (!parsed.success) {
      this.#o.log?.(`job ${bullJob.id}: not a baton turn (${parsed.error.issues[0]?.message}); dropped`);
      return;
    }
    const job = parsed.data;
    const jobId = String(bullJob.id);
    await this.#slot();
    if (this.#closed) return handBack();
    const exec = `${this.id}#${randomBytes(3).toString("hex")}`;
    const send = (m: DistributiveOmit<FleetMessage, "job" | "exec">) =>
      this.#redis.xadd(keys.events(job.submitter), "*", "m", JSON.stringify({ ...m, job: jobId, exec }));
    try {
      if (!(await this.#redis.exists(keys.submitter(job.submitter)))) {
        this.#o.log?.(`job ${jobId}: its submitter is gone; dropped`);
        return;
      }
      const stopped = await this.#redis.get(keys.stop(jobId));
      const where = await workerCwd(job, this.#o.checkout, this.id, this.#git);
      const backend = this.#o.backends.find((b) => b.name === job.backend);
      await send({ kind: "started", worker: this.id, host: this.#host });
      let outcome: TurnOutcome;
      if (stopped) outcome = ended(stopped as StopReason, `stopped before it started (${stopped})`);
      else if ("error" in where) outcome = ended("failed", where.error);
      else if (!backend) outcome = ended("failed", `worker ${this.id} does not run backend "${job.backend}"`);
      else outcome = await this.#run(job, jobId, backend, where.cwd, send);
      if (this.#closed) return handBack();
      await send({ kind: "ended", worker: this.id, outcome });
    } finally {
      this.#release();
    }
  }

  async #run(
    job: TurnJob,
    jobId: string,
    backend: Backend,
    cwd: string,
    send: (m: DistributiveOmit<FleetMessage, "job" | "exec">) => Promise<unknown>,
  ): Promise<TurnOutcome> {
    const held: Held = {};
    this.#held.set(jobId, held);
    // The submitter's heartbeat: a turn whose submitter died is an orphan and is stopped.
    const watch = setInterval(async () => {
      if (!(await this.#redis.exists(keys.submitter(job.submitter)).catch(() => 1)))
        void this.#stop(jobId, "cancelled", job.killGraceMs ?? 1_000);
    }, HEARTBEAT_MS);
    try {
      held.turn = startTurn(
        backend,
        { ...job.request, cwd, scratchDir: join(this.#scratch, jobId.replace(/[^\w.-]/g, "_")) },
        {
          supervisor: this.#supervisor,
          tag: `${this.#tagPrefix}:${job.agentId}~${job.submitter}:${job.turn}`,
          turnTimeoutMs: job.turnTimeoutMs,
          stallTimeoutMs: job.stallTimeoutMs,
          killGraceMs: job.killGraceMs,
          onEvent: (event) => void send({ kind: "event", event }),
          onStderr: (text) => void send({ kind: "stderr", text }),
        },
      );
      if (held.stopped) void held.turn.stop(held.stopped, job.killGraceMs);
      return await held.turn.done;
    } finally {
      clearInterval(watch);
      this.#held.delete(jobId);
    }
  }

  async #stop(jobId: string, reason: StopReason, graceMs: number): Promise<void> {
    const held = this.#held.get(jobId);
    if (!held) return;
    held.stopped = reason;
    await held.turn?.stop(reason, graceMs);
  }

  #slot(): Promise<void> {
    if (this.#free > 0) {
      this.#free--;
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#waiting.push(resolve));
  }

  #release(): void {
    const next = this.#waiting.shift();
    if (next) next();
    else this.#free++;
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/**
 * A turn cut off by this worker's shutdown is neither completed nor failed: its job's lock lapses and
 * another worker runs it again, as if this machine had died.
 */
function handBack(): Promise<never> {
  return new Promise<never>(() => {});
}

function ended(endReason: TurnOutcome["endReason"], error: string): TurnOutcome {
  return { endReason, error, usageIsCumulative: false, exitCode: null, signal: null };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
