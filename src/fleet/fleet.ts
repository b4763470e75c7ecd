import { randomBytes } from "node:crypto";
import type { ConnectionOptions, Queue } from "bullmq";
import type { Redis } from "ioredis";
import type { Backend, TurnRequest } from "../backends/types.ts";
import type { RunningTurn, TurnOptions, TurnStarter } from "../core/turn.ts";
import { BatonError } from "../errors.ts";
import { Git } from "../git/git.ts";
import { connectRedis, type FleetConnection } from "./connection.ts";
import { type FleetDeps, loadFleetDeps } from "./deps.ts";
import {
  ALIVE_TTL_MS,
  FleetMessageSchema,
  HEARTBEAT_MS,
  keys,
  PREFIX,
  type TurnJob,
  turnsQueue,
  workerQueue,
} from "./protocol.ts";
import { RemoteTurn } from "./remote-turn.ts";
import { type RepoCache, repoOf } from "./workdir.ts";

export interface FleetOptions {
  connection: FleetConnection;
  /** The workers' lock duration (`baton worker --lock-duration`); bounds how long a vanished worker is waited for. Default 30 s. */
  lockDurationMs?: number;
  /** Connection trouble Redis reports outside any one turn (it is retried). */
  log?: (line: string) => void;
}

/**
 * The submitter's side of the fleet: `turns` starts each agent turn as a BullMQ job instead of a local
 * process, so a `Pool` (and everything above it: map, runs, the record) works unchanged while the turns
 * run on `baton worker` machines. Workers send every event back through a Redis stream of this
 * submitter; follow-up turns of a conversation go to the worker that holds it.
 *
 * @example
 * const fleet = await Fleet.connect({ connection: parseQueueUrl("redis://10.0.0.5:6379") });
 * const pool = new Pool({ backends: remoteBackend("codex"), turns: fleet.turns });
 */
export class Fleet {
  readonly id = `s${Date.now().toString(36)}${randomBytes(3).toString("hex")}`;
  readonly #o: FleetOptions;
  readonly #turns = new Map<string, RemoteTurn>();
  /** Which worker holds each agent's conversation (its last turn ran there). */
  readonly #holders = new Map<string, string>();
  /** Follow-up turns waiting in or running on one worker's own queue: nobody else can run them. */
  readonly #pinned = new Map<string, string>();
  readonly #queues = new Map<string, Queue>();
  readonly #repos: RepoCache = new Map();
  #redis!: Redis;
  #reader!: Redis;
  #heartbeat: NodeJS.Timeout | undefined;
  #reading: Promise<void> | undefined;
  #seq = 0;
  #closed = false;
  #deps: FleetDeps | undefined;

  private constructor(options: FleetOptions) {
    this.#o = options;
  }

  static async connect(options: FleetOptions): Promise<Fleet> {
    const fleet = new Fleet(options);
    fleet.#deps = await loadFleetDeps();
    fleet.#redis = await connectRedis(options.connection);
    fleet.#reader = fleet.#redis.duplicate({ enableAutoPipelining: false });
    await fleet.#beat();
    fleet.#heartbeat = setInterval(() => void fleet.#beat(), HEARTBEAT_MS);
    fleet.#reading = fleet.#read();
    return fleet;
  }

  /** Live workers and what they run (from their heartbeats). */
  async workers(): Promise<Array<{ id: string; backends: string[]; host: string }>> {
    const found: Array<{ id: string; backends: string[]; host: string }> = [];
    let cursor = "0";
    do {
      const [next, names] = await this.#redis.scan(cursor, "MATCH", keys.worker("*"), "COUNT", 100);
      cursor = next;
      for (const name of names) {
        const info = JSON.parse((await this.#redis.get(name)) ?? "null") as {
          host: string;
          backends: string[];
        } | null;
        if (info) found.push({ id: name.slice(keys.worker("").length), ...info });
      }
    } while (cursor !== "0");
    return found;
  }

  readonly turns: TurnStarter = (
    backend: Backend,
    request: TurnRequest,
    options: TurnOptions,
  ): RunningTurn => {
    const jobId = `${this.id}-${++this.#seq}`;
    const holder = request.threadId ? this.#holders.get(request.agentId) : undefined;
    const remote = new RemoteTurn(
      options,
      {
        requestStop: (reason, graceMs, worker) => this.#requestStop(jobId, reason, graceMs, worker),
        settled: (outcome, worker) => {
          this.#turns.delete(jobId);
          this.#pinned.delete(jobId);
          if (worker && outcome.endReason !== "cancelled") this.#holders.set(request.agentId, worker);
          void this.#redis.del(keys.stop(jobId)).catch(() => {});
        },
      },
      this.#o.lockDurationMs ?? 30_000,
    );
    this.#turns.set(jobId, remote);
    const { scratchDir: _local, ...wire } = request;
    const job: TurnJob = {
      v: 1,
      submitter: this.id,
      agentId: request.agentId,
      turn: Number(options.tag.split(":").at(-1)) || 1,
      backend: backend.name,
      request: wire,
      turnTimeoutMs: options.turnTimeoutMs,
      stallTimeoutMs: options.stallTimeoutMs,
      killGraceMs: options.killGraceMs,
    };
    if (holder) this.#pinned.set(jobId, holder);
    void (async () => {
      if (holder && !(await this.#redis.exists(keys.worker(holder))))
        return remote.abandon("failed", gone(holder));
      job.repo = await repoOf(request.cwd, this.#repos, () => new Git(options.supervisor));
      await this.#queue(holder ? workerQueue(holder) : turnsQueue(backend.name)).add("turn", job, {
        jobId,
        removeOnComplete: true,
        removeOnFail: true,
      });
    })().catch((error: Error) =>
      remote.abandon("failed", `cannot queue the turn on Redis: ${error.message}`),
    );
    return remote;
  };

  /** Stops every turn still out there, then disconnects. The record of what finished stays with the caller. */
  async close(): Promise<void> {
    if (this.#closed) return;
    await Promise.all([...this.#turns.values()].map((t) => t.stop("cancelled", 1_000)));
    this.#closed = true;
    clearInterval(this.#heartbeat);
    this.#reader.disconnect();
    await this.#reading;
    await this.#redis.del(keys.events(this.id), keys.submitter(this.id)).catch(() => {});
    await Promise.all([...this.#queues.values()].map((q) => q.close()));
    this.#redis.disconnect();
  }

  async #requestStop(
    jobId: string,
    reason: string,
    graceMs: number,
    worker: string | undefined,
  ): Promise<"removed" | "sent"> {
    await this.#redis.set(keys.stop(jobId), reason, "PX", 3_600_000);
    if (worker) {
      await this.#redis.publish(keys.control(worker), JSON.stringify({ job: jobId, reason, graceMs }));
      return "sent";
    }
    for (const queue of this.#queues.values()) {
      const job = await queue.getJob(jobId);
      if (!job) continue;
      try {
        await job.remove();
        return "removed";
      } catch {
        return "sent"; // a worker holds it already: it sees the stop key and says "started"
      }
    }
    return "sent";
  }

  #queue(name: string): Queue {
    let queue = this.#queues.get(name);
    if (!queue) {
      if (!this.#deps) throw new BatonError("E_INTERNAL", "fleet queue used before connect()");
      queue = new this.#deps.Queue(name, {
        connection: this.#o.connection.options as ConnectionOptions,
        prefix: PREFIX,
      });
      // A failed add rejects its own promise (that turn fails with the reason); this reports the rest.
      queue.on("error", (error) => this.#o.log?.(`queue ${name}: ${error.message}`));
      this.#queues.set(name, queue);
    }
    return queue;
  }

  async #beat(): Promise<void> {
    await this.#redis.set(keys.submitter(this.id), String(process.pid), "PX", ALIVE_TTL_MS).catch(() => {});
    // A worker's own queue dies with it: its pinned turns end here instead of waiting for nobody.
    for (const [jobId, holder] of this.#pinned)
      if (!(await this.#redis.exists(keys.worker(holder)).catch(() => 1))) {
        this.#pinned.delete(jobId);
        this.#turns.get(jobId)?.abandon("failed", gone(holder));
      }
  }

  async #read(): Promise<void> {
    const stream = keys.events(this.id);
    let last = "0";
    while (!this.#closed) {
      let batch: Array<[string, Array<[string, string[]]>]> | null;
      try {
        batch = (await this.#reader.xread(
          "COUNT",
          1000,
          "BLOCK",
          1000,
          "STREAMS",
          stream,
          last,
        )) as typeof batch;
      } catch {
        if (this.#closed) return;
        await new Promise((resolve) => setTimeout(resolve, 200));
        continue;
      }
      for (const [, entries] of batch ?? []) {
        for (const [id, fields] of entries) {
          last = id;
          const message = FleetMessageSchema.safeParse(JSON.parse(fields[1] ?? "null"));
          if (message.success) this.#turns.get(message.data.job)?.receive(message.data);
        }
      }
      // What was read is not needed again: the stream stays as short as the messages in flight.
      if (batch) await this.#redis.xtrim(stream, "MINID", last).catch(() => {});
    }
  }
}

function gone(worker: string): string {
  return `worker ${worker}, which holds this agent's conversation, is gone; the conversation cannot continue elsewhere`;
}
