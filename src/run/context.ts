import type { Pool } from "../core/pool.ts";
import { type Answerer, answersMessage, needsClarification, questionsFromMarker } from "./clarify.ts";
import type { ContextPack } from "./context-pack.ts";
import { type ParsedResult, parseWorkerResult } from "./parse-result.ts";
import { advancePlan, finishPlan, makePlan, type Plan } from "./plan.ts";
import type { RunRecorder } from "./recorder.ts";
import type { Replay, ReplayedAgent } from "./replay.ts";
import { WORKER_RESULT_JSON_SCHEMA } from "./worker-result.ts";
import type { WorkerOutcome, WorkerSpec, WriterRunner } from "./worker-spec.ts";
import type { ParallelWriters } from "./writers.ts";

export type { WorkerOutcome, WorkerSpec } from "./worker-spec.ts";

export interface RunContextOptions {
  task: string;
  /** A killed run's finished workers: asked for again, they are answered from the record. */
  replay?: Replay;
  context?: ContextPack;
  answerer: Answerer;
  onChange?: () => void;
  /** See RunOptions.backendFor. */
  backendFor?: (role: string, label: string) => string | undefined;
  /** Worktree mode: writers run in parallel, each in its own worktree, then go through the merge queue. */
  writers?: ParallelWriters;
  /** See RunOptions.web. */
  web?: boolean;
}

/**
 * What a pattern uses to run workers: batch spawn → one wait → clarify if asked → close every id.
 * Patterns decide what to run; this decides how (schema, sandbox, writer lock, clarification, cleanup).
 */
export class RunContext {
  readonly pool: Pool;
  readonly recorder: RunRecorder;
  readonly options: RunContextOptions;
  readonly outcomes: WorkerOutcome[] = [];
  /** Workers answered from a resumed run's record instead of being run again. */
  readonly replayed: ReplayedAgent[] = [];
  #nextNumber: number;
  plan: Plan | undefined;
  #writerLock: Promise<void> = Promise.resolve();

  constructor(pool: Pool, recorder: RunRecorder, options: RunContextOptions) {
    this.pool = pool;
    this.recorder = recorder;
    this.options = options;
    this.#nextNumber = options.replay?.lastAgentNumber ?? 0;
  }

  get task(): string {
    return this.options.task;
  }

  get context(): ContextPack | undefined {
    return this.options.context;
  }

  setPlan(steps: string[], explanation?: string): void {
    this.#publish(makePlan(steps, explanation));
  }

  /** The step in progress is done; the next one starts. */
  advance(): void {
    if (this.plan) this.#publish(advancePlan(this.plan));
  }

  finish(): void {
    if (this.plan) this.#publish(finishPlan(this.plan));
  }

  async worker(spec: WorkerSpec): Promise<WorkerOutcome> {
    return (await this.workers([spec]))[0]!;
  }

  /** Runs readers in parallel (one batch wait) and writers one at a time; outcomes in the order of `specs`. */
  async workers(specs: WorkerSpec[]): Promise<WorkerOutcome[]> {
    const readers = specs.filter((s) => !s.write);
    const writers = specs.filter((s) => s.write);
    const parallel = this.options.writers;
    const [readOutcomes, writeOutcomes] = await Promise.all([
      readers.length ? this.#batch(readers) : Promise.resolve([]),
      parallel && writers.length
        ? parallel.run(writers, this.#writerRunner())
        : Promise.all(writers.map((w) => this.#asWriter(() => this.#batch([w])).then((o) => o[0]!))),
    ]);
    return specs.map((s) =>
      s.write ? writeOutcomes[writers.indexOf(s)]! : readOutcomes[readers.indexOf(s)]!,
    );
  }

  /** What the parallel writers need from the run: ids, the record of a resumed run, spawning. */
  #writerRunner(): WriterRunner {
    return {
      nextAgentId: () => `agent-${++this.#nextNumber}`,
      fromRecord: (spec) => {
        const done = this.options.replay?.take(spec.role, spec.label, spec.prompt);
        return done && this.#replayedOutcome(done, spec);
      },
      spawn: (specs) => this.#spawnBatch(specs),
      failed: (spec, agentId, error) => {
        const outcome: WorkerOutcome = {
          agentId,
          label: spec.label,
          role: spec.role,
          ok: false,
          endReason: "failed",
          error,
          finalMessage: "",
        };
        this.outcomes.push(outcome);
        return outcome;
      },
    };
  }

  async #asWriter<T>(fn: () => Promise<T>): Promise<T> {
    const previous = this.#writerLock;
    let release!: () => void;
    this.#writerLock = new Promise((resolve) => {
      release = resolve;
    });
    await previous;
    try {
      return await fn();
    } finally {
      release();
    }
  }

  async #batch(all: WorkerSpec[]): Promise<WorkerOutcome[]> {
    const fromRecord = new Map<WorkerSpec, WorkerOutcome>();
    for (const spec of all) {
      const done = this.options.replay?.take(spec.role, spec.label, spec.prompt);
      if (done) fromRecord.set(spec, this.#replayedOutcome(done, spec));
    }
    const specs = all.filter((s) => !fromRecord.has(s));
    const live = specs.length ? await this.#spawnBatch(specs) : [];
    return all.map((s) => fromRecord.get(s) ?? live[specs.indexOf(s)]!);
  }

  #replayedOutcome(done: ReplayedAgent, spec: WorkerSpec): WorkerOutcome {
    this.replayed.push(done);
    this.recorder.journal.append({
      type: "agent.replayed",
      agentId: done.agentId,
      label: done.label,
      role: done.role,
    });
    const outcome: WorkerOutcome = {
      agentId: done.agentId,
      label: spec.label,
      role: spec.role,
      ok: true,
      endReason: "completed",
      finalMessage: done.finalMessage,
    };
    if (!spec.schema) {
      const parsed = parseWorkerResult(done.finalMessage);
      outcome.result = parsed.result;
      outcome.format = parsed.format;
    }
    this.outcomes.push(outcome);
    return outcome;
  }

  async #spawnBatch(specs: Array<WorkerSpec & { id?: string }>): Promise<WorkerOutcome[]> {
    const ids = specs.map((spec) =>
      this.pool.spawn({
        id: spec.id ?? `agent-${++this.#nextNumber}`,
        cwd: spec.cwd,
        message: spec.prompt,
        label: spec.label,
        role: spec.role,
        backend: this.options.backendFor?.(spec.role, spec.label),
        sandbox: spec.write ? "workspace-write" : "read-only",
        webSearch: spec.webSearch && this.options.web !== false,
        outputSchema: spec.schema ?? WORKER_RESULT_JSON_SCHEMA,
      }),
    );
    this.options.onChange?.();
    try {
      await this.pool.wait(ids);
      // Each final message is parsed once; a worker that stopped to ask (two-phase) gets answers
      // through send_input on the same thread, and its new final message is parsed again.
      const parsed = new Map<string, ParsedResult>();
      for (const [i, id] of ids.entries()) {
        const message = this.pool.get(id)!.finalMessage;
        if (!specs[i]!.schema && this.pool.get(id)!.status === "completed" && message !== undefined) {
          parsed.set(id, parseWorkerResult(message));
        }
      }
      const asked = ids.filter((id) => {
        const p = parsed.get(id);
        return p !== undefined && needsClarification(this.pool.get(id)!.finalMessage!, p.result);
      });
      if (asked.length > 0) {
        for (const id of asked) await this.#answer(id, parsed.get(id)!);
        await this.pool.wait(asked);
        for (const id of asked) parsed.delete(id);
      }
      return ids.map((id, i) => this.#outcome(id, specs[i]!, parsed.get(id)));
    } finally {
      await Promise.all(ids.map((id) => this.pool.close(id)));
      this.options.onChange?.();
    }
  }

  async #answer(id: string, parsed: ParsedResult): Promise<void> {
    const listed = parsed.result.open_questions;
    const questions = listed.length > 0 ? listed : questionsFromMarker(this.pool.get(id)!.finalMessage!);
    const { answers, source } = await this.options.answerer.answer(questions);
    this.recorder.journal.append({
      type: "clarification",
      agentId: id,
      questions: questions.map((q) => q.question),
      answers,
      source,
    });
    this.pool.sendInput(id, answersMessage(questions, answers));
  }

  #outcome(id: string, spec: WorkerSpec, known?: ParsedResult): WorkerOutcome {
    const agent = this.pool.get(id)!;
    const ok = agent.status === "completed";
    const outcome: WorkerOutcome = {
      agentId: id,
      label: spec.label,
      role: spec.role,
      ok,
      endReason: agent.endReason ?? "failed",
      error: agent.error,
      finalMessage: agent.finalMessage ?? "",
    };
    if (ok && !spec.schema) {
      const parsed = known ?? parseWorkerResult(outcome.finalMessage);
      outcome.result = parsed.result;
      outcome.format = parsed.format;
      this.recorder.writeAgentJson(id, "result.json", parsed.result);
    }
    this.recorder.writeAgentJson(id, "usage.json", {
      total: agent.usage,
      turns: agent.turns.map((t) => t.usage),
    });
    this.outcomes.push(outcome);
    return outcome;
  }

  #publish(plan: Plan): void {
    this.plan = plan;
    this.recorder.writeJson("plan.json", plan);
    this.recorder.journal.append({ type: "plan.updated", plan });
    this.options.onChange?.();
  }
}
