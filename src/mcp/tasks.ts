import { randomBytes } from "node:crypto";
import type {
  CreateTaskOptions,
  TaskStore,
} from "@modelcontextprotocol/sdk/experimental/tasks/interfaces.js";
import type { Request, RequestId, Result, Task } from "@modelcontextprotocol/sdk/types.js";

/**
 * MCP tasks (spec 2025-11-25, the pinned SDK's experimental API) of one session, bounded: at most
 * `maxTasks` kept (the oldest finished ones go first), each kept `ttl` after it was created (the
 * client's wish, capped). Cancelling a task aborts its signal — for a wait that ends the wait, never
 * the agents it waits for.
 */
export interface TaskLimits {
  maxTasks: number;
  defaultTtlMs: number;
  maxTtlMs: number;
  pollIntervalMs: number;
}

export const DEFAULT_TASK_LIMITS: TaskLimits = {
  maxTasks: 1_000,
  defaultTtlMs: 3_600_000,
  maxTtlMs: 86_400_000,
  pollIntervalMs: 1_000,
};

interface Stored {
  task: Task;
  result?: Result;
  abort: AbortController;
  timer: NodeJS.Timeout;
}

const TERMINAL = new Set(["completed", "failed", "cancelled"]);
const PAGE = 50;

export class SessionTaskStore implements TaskStore {
  readonly limits: TaskLimits;
  readonly #tasks = new Map<string, Stored>();

  constructor(limits: Partial<TaskLimits> = {}) {
    this.limits = { ...DEFAULT_TASK_LIMITS, ...limits };
  }

  async createTask(params: CreateTaskOptions, _id: RequestId, _request: Request): Promise<Task> {
    this.#makeRoom();
    const ttl = Math.min(params.ttl ?? this.limits.defaultTtlMs, this.limits.maxTtlMs);
    const now = new Date().toISOString();
    const task: Task = {
      taskId: randomBytes(12).toString("hex"),
      status: "working",
      ttl,
      createdAt: now,
      lastUpdatedAt: now,
      pollInterval: params.pollInterval ?? this.limits.pollIntervalMs,
    };
    const timer = setTimeout(() => this.#drop(task.taskId), ttl);
    timer.unref();
    this.#tasks.set(task.taskId, { task, abort: new AbortController(), timer });
    return { ...task };
  }

  /** Aborted when the task is cancelled (tasks/cancel) or the session ends. */
  signal(taskId: string): AbortSignal {
    return this.#require(taskId).abort.signal;
  }

  async getTask(taskId: string): Promise<Task | null> {
    const stored = this.#tasks.get(taskId);
    return stored ? { ...stored.task } : null;
  }

  async storeTaskResult(taskId: string, status: "completed" | "failed", result: Result): Promise<void> {
    const stored = this.#require(taskId);
    if (TERMINAL.has(stored.task.status)) {
      throw new Error(`task ${taskId} is already ${stored.task.status}; its result cannot change`);
    }
    stored.result = result;
    this.#set(stored, status);
  }

  async getTaskResult(taskId: string): Promise<Result> {
    const stored = this.#require(taskId);
    if (!stored.result) throw new Error(`task ${taskId} has no result (status ${stored.task.status})`);
    return stored.result;
  }

  async updateTaskStatus(taskId: string, status: Task["status"], statusMessage?: string): Promise<void> {
    const stored = this.#require(taskId);
    if (TERMINAL.has(stored.task.status)) {
      throw new Error(`task ${taskId} is already ${stored.task.status}; it cannot become ${status}`);
    }
    if (statusMessage) stored.task.statusMessage = statusMessage;
    this.#set(stored, status);
    if (status === "cancelled") stored.abort.abort();
  }

  async listTasks(cursor?: string): Promise<{ tasks: Task[]; nextCursor?: string }> {
    const ids = [...this.#tasks.keys()];
    const start = cursor === undefined ? 0 : ids.indexOf(cursor) + 1;
    if (cursor !== undefined && start === 0) throw new Error(`unknown cursor "${cursor}"`);
    const page = ids.slice(start, start + PAGE);
    const tasks = page.map((id) => ({ ...this.#tasks.get(id)!.task }));
    return start + PAGE < ids.length ? { tasks, nextCursor: page.at(-1) } : { tasks };
  }

  get size(): number {
    return this.#tasks.size;
  }

  /** Aborts every unfinished task and forgets them all. */
  close(): void {
    for (const id of [...this.#tasks.keys()]) {
      this.#tasks.get(id)!.abort.abort();
      this.#drop(id);
    }
  }

  #set(stored: Stored, status: Task["status"]): void {
    stored.task.status = status;
    stored.task.lastUpdatedAt = new Date().toISOString();
  }

  #require(taskId: string): Stored {
    const stored = this.#tasks.get(taskId);
    if (!stored) throw new Error(`no task ${taskId} (it expired after its ttl, or never existed)`);
    return stored;
  }

  #drop(taskId: string): void {
    const stored = this.#tasks.get(taskId);
    if (!stored) return;
    clearTimeout(stored.timer);
    this.#tasks.delete(taskId);
  }

  #makeRoom(): void {
    if (this.#tasks.size < this.limits.maxTasks) return;
    for (const [id, stored] of this.#tasks) {
      if (TERMINAL.has(stored.task.status)) {
        this.#drop(id);
        return;
      }
    }
    throw new Error(
      `too many unfinished tasks (${this.limits.maxTasks}); cancel some (tasks/cancel) or wait for them`,
    );
  }
}
