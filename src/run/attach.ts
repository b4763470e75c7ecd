import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { CLAUDE_CLI, CODEX_CLI, findWorkerBinary, missingBinaryError } from "../backends/resolve-binary.ts";
import { BatonError } from "../errors.ts";
import { readJournal } from "../store/journal.ts";
import { runDir } from "../store/paths.ts";
import { readRun } from "../store/runs.ts";

/** Where `baton attach` hands a worker's conversation to a person: the command, its directory, why. */
export interface AttachPlan {
  runId: string;
  agentId: string;
  backend: "codex" | "claude";
  threadId: string;
  cwd: string;
  file: string;
  args: string[];
  /** The agent is still running in its run (stop it first with --stop). */
  running: boolean;
  /** The pid of its current turn, when running. */
  pid?: number;
  /** It is a thread of the run's shared codex app-server: no process of its own to stop. */
  sharedServer: boolean;
}

type Entry = ReturnType<typeof readJournal>["entries"][number];

/** A turn of the agent started and has not ended (the journal is current; run.json only at the end). */
export function turnInProgress(entries: Entry[], agentId: string): { running: boolean; pid?: number } {
  let running = false;
  let pid: number | undefined;
  for (const e of entries) {
    if (!("agentId" in e) || e.agentId !== agentId) continue;
    if (e.type === "turn.started") {
      running = true;
      pid = e.pid;
    } else if (e.type === "turn.ended" || e.type === "agent.closed") running = false;
  }
  return { running, pid };
}

/** The last conversation id the agent's backend reported (codex thread, claude session). */
function lastThread(dir: string): string | undefined {
  const file = join(dir, "events.jsonl");
  if (!existsSync(file)) return undefined;
  let thread: string | undefined;
  for (const line of readFileSync(file, "utf8").split("\n")) {
    if (!line.includes('"thread.started"')) continue;
    try {
      const event = JSON.parse(line) as { type?: string; threadId?: unknown };
      if (event.type === "thread.started" && typeof event.threadId === "string") thread = event.threadId;
    } catch {
      // a torn last line
    }
  }
  return thread;
}

export function planAttach(
  runId: string,
  agentId: string,
  options: { home?: string; env?: NodeJS.ProcessEnv } = {},
): AttachPlan {
  const { stale } = readRun(runId, options.home);
  const dir = runDir(runId, options.home);
  const entries = readJournal(join(dir, "journal.jsonl")).entries;
  const agents = entries.flatMap((e) => (e.type === "agent.spawned" ? [e.agentId] : []));
  if (!agents.includes(agentId)) {
    throw new BatonError(
      "E_NOT_FOUND",
      `run ${runId} has no agent "${agentId}"; its agents: ${agents.join(", ") || "none"}`,
      { runId, agentId },
    );
  }
  const started = entries.find((e) => e.type === "run.started");
  if (
    started?.type === "run.started" &&
    (started.options as { launch?: { rehearse?: boolean } })?.launch?.rehearse
  ) {
    throw new BatonError(
      "E_USAGE",
      `run ${runId} was a rehearsal: its workers' conversations lived in a temporary CODEX_HOME that is gone`,
      { runId, agentId },
    );
  }
  const spawned = entries.find((e) => e.type === "agent.spawned" && e.agentId === agentId);
  const recorded = spawned?.type === "agent.spawned" ? spawned.backend : "codex";
  // Both codex transports keep their threads in CODEX_HOME, where `codex resume` finds them.
  const backend = recorded === "codex-app" ? "codex" : recorded;
  if (backend !== "codex" && backend !== "claude") {
    throw new BatonError(
      "E_USAGE",
      `${agentId} ran on the ${backend} backend, which has no conversation to resume; attach works for codex and claude agents`,
      { runId, agentId },
    );
  }
  const cwd =
    (spawned?.type === "agent.spawned" ? spawned.cwd : undefined) ??
    (started?.type === "run.started" ? started.cwd : undefined) ??
    process.cwd();
  const cli = backend === "codex" ? CODEX_CLI : CLAUDE_CLI;
  const found = findWorkerBinary(cli, { env: options.env });
  if (!found) throw missingBinaryError(cli, { env: options.env });
  const turn = turnInProgress(entries, agentId);
  const threadId = lastThread(join(dir, "agents", agentId));
  if (!threadId) {
    const what = backend === "codex" ? "thread" : "session";
    throw new BatonError(
      turn.running ? "E_BUSY" : "E_NOT_FOUND",
      turn.running
        ? `${agentId} of run ${runId} is starting and has not reported its ${what} id yet; try again in a moment`
        : `${agentId} of run ${runId} has no ${what} id in its record (it never started a turn)`,
      { runId, agentId },
    );
  }
  return {
    runId,
    agentId,
    backend,
    threadId,
    cwd,
    file: found.path,
    args: backend === "codex" ? ["resume", threadId] : ["--resume", threadId],
    running: turn.running && !stale,
    pid: recorded === "codex-app" ? undefined : turn.pid,
    sharedServer: recorded === "codex-app",
  };
}
