import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { ownerId } from "../../src/core/process/owner.ts";
import { ZERO_USAGE } from "../../src/core/usage.ts";
import type { RunView } from "../../src/run/view.ts";
import { writeJsonAtomic } from "../../src/store/atomic.ts";
import { Journal, type JournalInput } from "../../src/store/journal.ts";
import { runDir } from "../../src/store/paths.ts";

const usage = { ...ZERO_USAGE, inputTokens: 600, outputTokens: 80 };

/**
 * A run record written with the store's own writers, as a three-reviewer run leaves it: one
 * reviewer done, one timed out, one still running (until `finish`).
 */
export function writeRunRecord(home: string, runId: string) {
  const dir = runDir(runId, home);
  mkdirSync(join(dir, "agents"), { recursive: true });
  const journal = new Journal(join(dir, "journal.jsonl"));
  const startedAt = Date.now();
  const view: RunView = {
    runId,
    dir,
    task: "Review <b>src/pool.ts</b> & friends",
    status: "running",
    pattern: "review",
    agents: [],
    startedAt,
    plan: {
      plan: [
        { step: "Choose 3 lenses", status: "completed" },
        { step: "Run 3 reviewers", status: "in_progress" },
        { step: "Synthesise", status: "pending" },
      ],
    },
  };
  // This test process is the owner: alive, so the run is not taken as abandoned.
  writeJsonAtomic(join(dir, "owner.json"), { pid: process.pid, ownerId: ownerId() });
  writeJsonAtomic(join(dir, "run.json"), view);
  const agent = (id: string, lens: string) => {
    mkdirSync(join(dir, "agents", id), { recursive: true });
    writeFileSync(join(dir, "agents", id, "prompt-1.md"), `TASK: Review\nLENS: ${lens}\n<do not run>`);
    journal.append({ type: "agent.spawned", agentId: id, label: lens, role: "reviewer", backend: "codex" });
    journal.append({ type: "turn.started", agentId: id, turn: 1, pid: 1 });
  };
  const end = (id: string, endReason: "completed" | "timed_out", final?: string) => {
    if (final) writeFileSync(join(dir, "agents", id, "final.md"), final);
    const error = endReason === "completed" ? undefined : "no answer within 2s <timeout>";
    const status = endReason === "completed" ? "completed" : "errored";
    journal.append({ type: "turn.ended", agentId: id, turn: 1, status, endReason, usage, error });
  };
  journal.append({
    type: "run.started",
    runId,
    task: view.task,
    pattern: "review",
    cwd: "/",
    options: { runTimeoutMs: 600_000 },
  });
  agent("agent-1", "correctness");
  agent("agent-2", "risks");
  agent("agent-3", "clarity");
  end("agent-1", "completed", '{"summary":"Two issues.","findings":[]}');
  end("agent-2", "timed_out");
  return {
    dir,
    view,
    append: (entry: JournalInput) => journal.append(entry),
    events: (id: string, lines: object[]) =>
      writeFileSync(
        join(dir, "agents", id, "events.jsonl"),
        lines.map((l) => `${JSON.stringify(l)}\n`).join(""),
        {
          flag: "a",
        },
      ),
    /** agent-3 completes, the run ends partial with findings, a failed worker and a kept branch. */
    finish() {
      end("agent-3", "completed", "Naming could be clearer.");
      for (const id of ["agent-1", "agent-2", "agent-3"])
        journal.append({ type: "agent.closed", agentId: id, previousStatus: "completed" });
      const finished: RunView = {
        ...view,
        status: "partial",
        endedAt: Date.now(),
        agents: ["agent-1", "agent-2", "agent-3"].map((id) => ({
          id,
          role: "reviewer",
          label: id,
          status: "shutdown",
          endReason: id === "agent-2" ? "timed_out" : "completed",
          usage,
          lastActivityAt: Date.now(),
        })),
        result: {
          pattern: "review",
          summary: "One <critical> issue.",
          nextStep: "Add a timeout.",
          findings: [
            {
              title: "wait() can hang",
              severity: "high",
              location: "src/pool.ts:120",
              evidence: "no deadline",
              recommendation: "add one",
              reportedBy: ["correctness", "clarity"],
            },
            {
              title: "inbox name",
              severity: "low",
              location: "src/agent.ts:60",
              evidence: "comment",
              recommendation: "rename",
              reportedBy: ["clarity"],
            },
            {
              title: "queued input dropped",
              severity: "critical",
              location: "src/agent.ts:10",
              evidence: "cleared",
              recommendation: "report",
              reportedBy: ["correctness"],
            },
          ],
          proposedChanges: [],
          tests: [],
          openQuestions: [],
          failedWorkers: [
            { agentId: "agent-2", label: "risks", endReason: "timed_out", error: "no answer within 2s" },
          ],
          warnings: ["1 worker failed"],
          merges: [
            {
              agentId: "agent-3",
              label: "clarity",
              branch: "baton/r/agent-3",
              merged: false,
              kept: true,
              reason: "conflict",
              conflictFiles: ["src/a.ts"],
              patch: "agents/agent-3/changes.patch",
            },
          ],
        },
      };
      writeJsonAtomic(join(dir, "run.json"), finished);
      journal.append({ type: "run.ended", status: "partial", exitCode: 3 });
      return finished;
    },
  };
}
