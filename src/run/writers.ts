import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import type { Supervisor } from "../core/process/supervisor.ts";
import { BatonError } from "../errors.ts";
import { WORKER_PREAMBLE } from "./prompts.ts";
import type { WorkerOutcome, WorkerSpec, WriterRunner } from "./worker-spec.ts";

export type { WriterRunner } from "./worker-spec.ts";

import type { Git } from "../git/git.ts";
import type { MergeOutcome } from "../git/merge-events.ts";
import { type MergeRequest, mergeBranch } from "../git/merge-queue.ts";
import { scheduleWriters } from "../git/overlap.ts";
import { branchExists, createWorktree, type Worktree } from "../git/worktree.ts";
import type { JournalInput } from "../store/journal.ts";
import type { RunResult } from "./result.ts";

export interface ParallelWritersOptions {
  runId: string;
  /** The repository's top level; its checked-out branch is the merge target. */
  repo: string;
  /** The run's cwd below `repo` (""): writers, setup and verify run there in their worktrees. */
  subdir?: string;
  /** Where this run's worktrees go, one folder per writer (`<home>/worktrees/<run-id>`). */
  dir: string;
  task: string;
  /** Relative to the run's cwd. */
  copyFiles?: string[];
  setupCommand?: string;
  verifyCommand?: string;
  /** Give conflicts to a resolver agent instead of only reporting them. */
  resolveConflicts?: boolean;
  /** Deadline of one setup or verify command. Default 10 minutes. */
  commandTimeoutMs?: number;
  signal?: AbortSignal;
  /** Owns the setup and verify processes (the run's pool's supervisor). */
  supervisor?: Supervisor;
  /** Runs the writers' git commands (on the same supervisor), serialised per repository. */
  git: Git;
  journal: (entry: JournalInput) => void;
  /** Writes a file into a writer's folder of the run record; returns its path. */
  saveFile: (agentId: string, name: string, text: string) => string;
}

export function writerBranch(runId: string, agentId: string): string {
  return `baton/${runId}/${agentId}`;
}

/**
 * Parallel writers: each in its own git worktree on `baton/<run-id>/<agent>`, writers whose scopes
 * overlap one after another (the later one starts from the earlier one's merged work), and after each
 * wave a merge queue that lands the branches on the target one at a time.
 */
export class ParallelWriters {
  readonly options: ParallelWritersOptions;
  /** Every writer's merge outcome, in the order they were merged. */
  readonly merges: MergeOutcome[] = [];

  constructor(options: ParallelWritersOptions) {
    this.options = options;
  }

  async run(specs: WorkerSpec[], runner: WriterRunner): Promise<WorkerOutcome[]> {
    const o = this.options;
    const { waves, overlaps } = scheduleWriters(specs.map((s) => s.scope));
    o.journal({
      type: "merge.scheduled",
      waves: waves.map((wave) => wave.map((i) => specs[i]!.label)),
      overlaps: overlaps.map(([a, b]) => [specs[a]!.label, specs[b]!.label]),
    });
    const outcomes: WorkerOutcome[] = new Array(specs.length);
    for (const wave of waves) {
      if (o.signal?.aborted) throw new BatonError("E_INTERRUPTED", "the run was cancelled");
      const live: Array<{ index: number; id: string; worktree: Worktree }> = [];
      const recovered: MergeRequest[] = [];
      await Promise.all(
        wave.map(async (index) => {
          const spec = specs[index]!;
          const done = runner.fromRecord(spec);
          if (done) {
            outcomes[index] = done;
            const request = await this.#recover(done);
            if (request) recovered.push(request);
            return;
          }
          const id = runner.nextAgentId();
          try {
            live.push({ index, id, worktree: await this.#prepare(id) });
          } catch (error) {
            const why = error instanceof Error ? error.message : String(error);
            outcomes[index] = runner.failed(spec, id, `its worktree could not be prepared: ${why}`);
          }
        }),
      );
      live.sort((a, b) => a.index - b.index);
      const ran = live.length
        ? await runner.spawn(
            live.map((w) => ({ ...specs[w.index]!, id: w.id, cwd: this.#cwdIn(w.worktree), write: true })),
          )
        : [];
      live.forEach((w, k) => {
        outcomes[w.index] = ran[k]!;
      });
      // The merge queue: one branch at a time, in the writers' order.
      const requests = [
        ...recovered,
        ...live.map((w, k) => ({
          agentId: w.id,
          label: specs[w.index]!.label,
          worktree: w.worktree,
          workerOk: ran[k]!.ok,
          workerError: ran[k]!.ok
            ? undefined
            : `${ran[k]!.endReason}${ran[k]!.error ? `: ${ran[k]!.error}` : ""}`,
        })),
      ];
      for (const request of requests) this.merges.push(await this.#merge(request, runner));
    }
    return outcomes;
  }

  #cwdIn(worktree: Worktree): string {
    return join(worktree.path, this.options.subdir ?? "");
  }

  async #prepare(agentId: string): Promise<Worktree> {
    const o = this.options;
    const worktree = await createWorktree({
      git: o.git,
      repo: o.repo,
      path: join(o.dir, agentId),
      branch: writerBranch(o.runId, agentId),
      copyFiles: o.copyFiles?.map((f) => join(o.subdir ?? "", f)),
      setupCwd: o.subdir,
      setupCommand: o.setupCommand,
      setupTimeoutMs: o.commandTimeoutMs,
      signal: o.signal,
      supervisor: o.supervisor,
      name: `${agentId}:setup`,
    });
    o.journal({
      type: "merge.prepared",
      agentId,
      branch: worktree.branch,
      path: worktree.path,
      base: worktree.base,
    });
    return worktree;
  }

  /** A resumed run's writer that finished before the kill: its branch, if still there, is merged now. */
  async #recover(done: WorkerOutcome): Promise<MergeRequest | undefined> {
    const o = this.options;
    const branch = writerBranch(o.runId, done.agentId);
    if (!(await branchExists(o.git, o.repo, branch))) return undefined; // merged (or empty) before the kill
    const path = join(o.dir, done.agentId);
    await o.git.run(o.repo, ["worktree", "prune"]);
    if (!existsSync(path)) await o.git.run(o.repo, ["worktree", "add", "--quiet", path, branch]);
    const base = await o.git.out(o.repo, ["merge-base", "HEAD", branch]);
    return {
      agentId: done.agentId,
      label: done.label,
      worktree: { git: o.git, repo: o.repo, path, branch, base, prepared: [] },
      workerOk: true,
    };
  }

  async #merge(request: MergeRequest, runner: WriterRunner): Promise<MergeOutcome> {
    const o = this.options;
    return mergeBranch(request, {
      runId: o.runId,
      verifyCommand: o.verifyCommand,
      verifyCwd: o.subdir,
      verifyTimeoutMs: o.commandTimeoutMs,
      signal: o.signal,
      supervisor: o.supervisor,
      saveFile: o.saveFile,
      onEvent: (event) => o.journal(event),
      resolve: o.resolveConflicts
        ? async (req, files) => {
            const id = runner.nextAgentId();
            const [outcome] = await runner.spawn([
              {
                id,
                cwd: this.#cwdIn(req.worktree),
                role: "resolver",
                label: `resolve: ${req.label}`,
                prompt: resolverPrompt(o.task, req, files),
                write: true,
              },
            ]);
            return { ok: outcome!.ok, agentId: id };
          }
        : undefined,
    });
  }
}

/** The resolver agent's prompt: the conflicting files, and the rule that neither side is dropped. */
export function resolverPrompt(task: string, req: MergeRequest, files: string[]): string {
  return [
    WORKER_PREAMBLE,
    `TASK: Resolve the merge conflicts between two parallel writers of: ${task}`,
    `SCOPE: may edit only the conflicting files, in this worktree (branch ${req.worktree.branch}, being rebased on the target).`,
    `CONFLICTING FILES:\n${files.map((f) => `- ${f}`).join("\n")}`,
    `CONTEXT: the side marked HEAD is the target (other writers' merged work); the other side is the work of "${req.label}".`,
    "DO:\n- Keep the intent of BOTH sides: combine them; never drop one side.\n- Remove every conflict marker (<<<<<<<, =======, >>>>>>>).",
    "DO NOT:\n- Run git rebase, git commit or git checkout: baton continues the rebase when you are done.\n- Edit other files.",
    "OUTPUT: summary of how each file was resolved.",
  ].join("\n");
}

/** Puts the merge outcomes into a run's result, with a warning for every branch left unmerged. */
export function addMerges(result: RunResult, merges: MergeOutcome[]): void {
  if (merges.length === 0) return;
  result.merges = merges;
  for (const m of merges.filter((x) => x.kept))
    result.warnings.push(
      `${m.label} (${m.agentId}) was not merged: ${m.reason ?? "unknown reason"}; branch ${m.branch}${m.patch ? `, patch ${m.patch}` : ""}`,
    );
}

/** The run record's side of the writers: a file saved into `agents/<id>/`. */
export function recordSaver(agentDir: (agentId: string) => string) {
  return (agentId: string, name: string, text: string): string => {
    const dir = agentDir(agentId);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };
}
