import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Command } from "commander";
import { ownerAlive } from "../../core/process/owner.ts";
import { BatonError } from "../../errors.ts";
import { readJournal } from "../../store/journal.ts";
import { JournalEntrySchema } from "../../store/journal-schema.ts";
import { readOwner } from "../../store/lock.ts";
import { runDir } from "../../store/paths.ts";
import { latestRunId } from "../../store/runs.ts";

export function registerLogs(program: Command): void {
  program
    .command("logs")
    .summary("print a run's journal, or one agent's event stream")
    .argument("[run-id]", "a run id (default: the newest run)")
    .option("--agent <id>", "print this agent's worker events instead of the run journal")
    .option(
      "-f, --follow",
      "keep printing new lines until the run ends (or its baton process is gone: exit 1)",
    )
    .option("--json", "print the raw JSON lines")
    .addHelpText(
      "after",
      "\nExamples:\n  $ baton logs\n  $ baton logs 20261122-071502-a3f9 --agent agent-2 --follow",
    )
    .action(
      async (runId: string | undefined, flags: { agent?: string; follow?: boolean; json?: boolean }) => {
        const id = runId ?? latestRunId();
        const dir = runDir(id);
        const file = flags.agent
          ? join(dir, "agents", flags.agent, "events.jsonl")
          : join(dir, "journal.jsonl");
        if (!existsSync(file)) {
          throw new BatonError(
            "E_NOT_FOUND",
            flags.agent
              ? `run ${id} has no events for agent "${flags.agent}" (${file})`
              : `no run "${id}" (${file} is missing)`,
            { runId: id },
          );
        }
        let printed = 0;
        const print = (): boolean => {
          const lines = readFileSync(file, "utf8").split("\n");
          const complete = lines.slice(0, -1); // the last piece may be a line still being written
          for (const line of complete.slice(printed)) {
            if (line.trim())
              process.stdout.write(`${flags.json ? line : describe(line, flags.agent !== undefined)}\n`);
          }
          printed = complete.length;
          return readJournal(join(dir, "journal.jsonl")).entries.some((e) => e.type === "run.ended");
        };
        let ended = print();
        while (flags.follow && !ended) {
          await new Promise((resolve) => setTimeout(resolve, 250));
          if (statSync(file).size > 0) ended = print();
          // Nobody will ever write run.ended for a run whose owner died: stop following it.
          const owner = readOwner(dir);
          if (!ended && (!owner || !ownerAlive(owner.ownerId)) && !print()) {
            process.stderr.write(
              `baton: run ${id} has no live baton process (abandoned); continue it with baton resume ${id}\n`,
            );
            process.exitCode = 1;
            return;
          }
        }
      },
    );
}

function describe(line: string, agentEvents: boolean): string {
  let e: Record<string, unknown>;
  try {
    e = JSON.parse(line);
  } catch {
    return line;
  }
  if (agentEvents) {
    const item = e.item as Record<string, unknown> | undefined;
    const detail = item
      ? ` ${item.type}${item.command ? `: ${item.command}` : ""}${item.text ? `: ${String(item.text).slice(0, 200)}` : ""}`
      : e.message
        ? `: ${e.message}`
        : "";
    return `turn ${e.turn} ${e.type}${detail}`;
  }
  const parsed = JournalEntrySchema.safeParse(e);
  const at = typeof e.at === "string" ? e.at.slice(11, 19) : "";
  const j = parsed.success ? parsed.data : undefined;
  switch (j?.type) {
    case "turn.ended":
      return `${at} ${j.agentId} turn ${j.turn} ended: ${j.endReason}${j.error ? ` — ${j.error}` : ""} (${j.usage.inputTokens + j.usage.outputTokens} tokens)`;
    case "agent.spawned":
      return `${at} ${j.agentId} spawned: ${j.role} "${j.label}" on ${j.backend}`;
    case "plan.updated": {
      const step = j.plan.plan.find((s) => s.status === "in_progress");
      return `${at} plan: ${step ? `now "${step.step}"` : "all steps done"}`;
    }
    // Other lines, and those this version does not read (a newer baton's): their fields as they are.
    default:
      return `${at} ${String(e.type)} ${JSON.stringify(Object.fromEntries(Object.entries(e).filter(([k]) => !["v", "seq", "at", "type"].includes(k))))}`;
  }
}
