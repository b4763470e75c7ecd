import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { RUN_DEFAULTS } from "../core/defaults.ts";
import type { Supervisor } from "../core/process/supervisor.ts";
import { describeFailure, runUserCommand } from "./command.ts";
import { zList } from "./git.ts";
import type { MergeEvent, MergeOutcome } from "./merge-events.ts";
import { commitWork, identityEnv, removeWorktree, stageWork, type Worktree } from "./worktree.ts";

export interface MergeRequest {
  agentId: string;
  label: string;
  worktree: Worktree;
  /** A writer that failed has its work kept on the branch, never merged. */
  workerOk: boolean;
  workerError?: string;
}

export interface MergeQueueOptions {
  runId: string;
  /** Must exit 0 in the rebased worktree before the target is moved. Run with `sh -c`. */
  verifyCommand?: string;
  /** Where in the worktree `--verify` runs (relative; default its top level). */
  verifyCwd?: string;
  verifyTimeoutMs?: number;
  signal?: AbortSignal;
  /** Owns the command's process; default: one for that command alone. */
  supervisor?: Supervisor;
  /** Writes a file into the writer's folder of the run record; returns its path. */
  saveFile: (agentId: string, name: string, text: string) => string;
  onEvent?: (event: MergeEvent) => void;
  /** A resolver agent for conflicts; resolves to true when it completed its work in the worktree. */
  resolve?: (request: MergeRequest, files: string[]) => Promise<{ ok: boolean; agentId: string }>;
}

/** Rebases with conflicts get at most this many resolver rounds (one per conflicting commit). */
const MAX_RESOLVER_ROUNDS = 5;
const MARKER = /^(<{7}|>{7})( |$)|^={7}$/m;

/**
 * Merges one writer's branch into the target (the branch checked out in the main tree):
 * commit leftovers → save the patch → rebase on the target (conflicts: resolver agent or report) →
 * `--verify` in the worktree → fast-forward the target. The worktree and branch are removed only
 * after a successful merge; otherwise the branch stays and the outcome says why.
 */
export async function mergeBranch(req: MergeRequest, o: MergeQueueOptions): Promise<MergeOutcome> {
  let outcome: MergeOutcome;
  try {
    outcome = await attempt(req, o);
  } catch (error) {
    // Whatever state the worktree is in, it is left as it is: nothing of the writer's is removed.
    outcome = {
      agentId: req.agentId,
      label: req.label,
      branch: req.worktree.branch,
      merged: false,
      kept: true,
      reason: `the merge stopped on an error; the worktree ${req.worktree.path} and branch are kept: ${message(error)}`,
    };
  }
  o.onEvent?.({ type: "merge.ended", ...outcome });
  return outcome;
}

/** Merges the branches one after another, in order. */
export async function runMergeQueue(requests: MergeRequest[], o: MergeQueueOptions): Promise<MergeOutcome[]> {
  const out: MergeOutcome[] = [];
  for (const req of requests) out.push(await mergeBranch(req, o));
  return out;
}

async function attempt(req: MergeRequest, o: MergeQueueOptions): Promise<MergeOutcome> {
  const wt = req.worktree;
  const result: MergeOutcome = {
    agentId: req.agentId,
    label: req.label,
    branch: wt.branch,
    merged: false,
    kept: true,
  };
  const fail = (reason: string): MergeOutcome => Object.assign(result, { reason });

  try {
    await abortRebase(wt); // a resumed run may find a rebase its killed owner started
    await commitWork(wt, `baton: ${req.label} (${req.agentId}, run ${o.runId})`);
  } catch (error) {
    // Uncommitted work: the worktree itself is what keeps it, so it stays.
    return fail(`the writer's work could not be committed; it is left in ${wt.path}: ${message(error)}`);
  }
  const commits = Number(await wt.git.out(wt.repo, ["rev-list", "--count", `${wt.base}..${wt.branch}`]));
  if (commits === 0) {
    await removeWorktree(wt, { deleteBranch: true });
    return Object.assign(result, { kept: false, reason: "the writer changed nothing" });
  }
  // Saved before anything can be removed: with the patch, the writer's work survives the branch.
  const patch = await wt.git.run(wt.repo, [
    "format-patch",
    "--stdout",
    "--binary",
    `${wt.base}..${wt.branch}`,
  ]);
  result.patch = o.saveFile(req.agentId, "changes.patch", patch.stdout);

  if (!req.workerOk) {
    await removeWorktree(wt, { deleteBranch: false });
    return fail(`the writer did not finish (${req.workerError ?? "failed"}); its work is kept on the branch`);
  }

  for (let round = 0; round < 2; round++) {
    const target = await wt.git.out(wt.repo, ["rev-parse", "HEAD"]);
    const rebased = await rebase(req, target, o, result);
    if (!rebased.ok) {
      await removeWorktree(wt, { deleteBranch: false });
      return fail(rebased.reason);
    }
    if (o.verifyCommand) {
      const timeoutMs = o.verifyTimeoutMs ?? RUN_DEFAULTS.userCommandTimeoutMs;
      const r = await runUserCommand(o.verifyCommand, {
        cwd: join(wt.path, o.verifyCwd ?? ""),
        timeoutMs,
        signal: o.signal,
        name: `${req.agentId}:verify`,
        supervisor: o.supervisor,
      });
      const passed = r.code === 0 && !r.timedOut && !r.cancelled;
      o.saveFile(req.agentId, "verify.log", r.output);
      o.onEvent?.({
        type: "merge.verify",
        agentId: req.agentId,
        command: o.verifyCommand,
        passed,
        exitCode: r.code,
      });
      if (!passed) {
        await removeWorktree(wt, { deleteBranch: false });
        return fail(`${describeFailure("the verify command", o.verifyCommand, r, timeoutMs)}; not merged`);
      }
    }
    const ff = await wt.git.run(wt.repo, ["merge", "--ff-only", "--quiet", wt.branch], { allowFail: true });
    if (ff.code === 0) {
      result.commit = await wt.git.out(wt.repo, ["rev-parse", "HEAD"]);
      await removeWorktree(wt, { deleteBranch: true });
      return Object.assign(result, { merged: true, kept: false });
    }
    // Someone committed to the target meanwhile: rebase once more on the new head.
    const now = await wt.git.out(wt.repo, ["rev-parse", "HEAD"]);
    if (now === target || round === 1) {
      await removeWorktree(wt, { deleteBranch: false });
      return fail(`the target could not be fast-forwarded to ${wt.branch}: ${lastLines(ff.stderr)}`);
    }
  }
  return fail("unreachable");
}

/** Rebases the worktree's branch on `target`, resolving conflicts with the resolver agent when there is one. */
async function rebase(
  req: MergeRequest,
  target: string,
  o: MergeQueueOptions,
  result: MergeOutcome,
): Promise<{ ok: true } | { ok: false; reason: string }> {
  const wt = req.worktree;
  const env = await identityEnv(wt.git, wt.repo); // rebasing makes commits
  let r = await wt.git.run(wt.path, ["rebase", "--quiet", target], { allowFail: true, env });
  const conflicted = new Set<string>();
  for (let round = 0; r.code !== 0; round++) {
    const files = zList((await wt.git.run(wt.path, ["diff", "--name-only", "--diff-filter=U", "-z"])).stdout);
    if (files.length === 0) {
      await abortRebase(wt);
      return { ok: false, reason: `git rebase failed: ${lastLines(r.stderr || r.stdout)}` };
    }
    for (const f of files) conflicted.add(f);
    result.conflictFiles = [...conflicted];
    const resolver = o.resolve !== undefined && round < MAX_RESOLVER_ROUNDS;
    o.onEvent?.({ type: "merge.conflict", agentId: req.agentId, branch: wt.branch, files, resolver });
    const both = `both sides are kept: the target has the other side, the branch ${wt.branch} and the patch have this writer's`;
    if (!resolver) {
      await abortRebase(wt);
      return { ok: false, reason: `rebase on the target conflicts in ${files.join(", ")}; ${both}` };
    }
    const resolved = await o.resolve!(req, files);
    if (!resolved.ok) {
      await abortRebase(wt);
      return { ok: false, reason: `the resolver ${resolved.agentId} did not finish; ${both}` };
    }
    const left = files.filter((f) => hasMarkers(join(wt.path, f)));
    if (left.length > 0) {
      await abortRebase(wt);
      return {
        ok: false,
        reason: `the resolver ${resolved.agentId} left conflict markers in ${left.join(", ")}; ${both}`,
      };
    }
    result.resolvedBy = resolved.agentId;
    await stageWork(wt);
    if (!(await rebaseInProgress(wt))) break; // the resolver finished the rebase itself
    r = await wt.git.run(wt.path, ["rebase", "--continue"], { allowFail: true, env });
    if (r.code !== 0 && (await rebaseInProgress(wt)) && !(await hasUnmerged(wt))) {
      // Resolving left the writer's commit empty: continuing would drop its side.
      await abortRebase(wt);
      return {
        ok: false,
        reason: `the resolution of ${files.join(", ")} dropped this writer's change; ${both}`,
      };
    }
  }
  return { ok: true };
}

function hasMarkers(file: string): boolean {
  return existsSync(file) && MARKER.test(readFileSync(file, "utf8"));
}

async function hasUnmerged(wt: Worktree): Promise<boolean> {
  return (await wt.git.run(wt.path, ["diff", "--name-only", "--diff-filter=U"])).stdout.trim() !== "";
}

async function rebaseInProgress(wt: Worktree): Promise<boolean> {
  for (const name of ["rebase-merge", "rebase-apply"]) {
    const p = await wt.git.out(wt.path, ["rev-parse", "--path-format=absolute", "--git-path", name]);
    if (existsSync(p)) return true;
  }
  return false;
}

async function abortRebase(wt: Worktree): Promise<void> {
  if (existsSync(wt.path) && (await rebaseInProgress(wt)))
    await wt.git.run(wt.path, ["rebase", "--abort"], { allowFail: true });
}

function lastLines(text: string): string {
  return text.trim().split("\n").slice(-3).join(" | ");
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
