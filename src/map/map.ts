import { writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { Pool } from "../core/pool.ts";
import { ownerId } from "../core/process/owner.ts";
import { errorJson } from "../errors.ts";
import { openRunRecord } from "../run/record-open.ts";
import { renderReport } from "../run/report.ts";
import { EXIT_FOR, type RunStatus, type RunView } from "../run/run.ts";
import { toRow } from "../run/view-rows.ts";
import { releaseRunLock } from "../store/lock.ts";
import { batonHome, newRunId, runDir } from "../store/paths.ts";
import { runItem } from "./item.ts";
import {
  checkMapOptions,
  type MapOptions,
  type RecordedMapOptions,
  RecordedMapOptionsSchema,
} from "./options.ts";
import { outputSchema } from "./output-schema.ts";
import type { MapProgress } from "./progress.ts";
import { type MapResult, ResultsFile } from "./results.ts";
import { itemsFromObjects, loadTasks, type MapItem } from "./tasks.ts";
import { checkTemplate, renderPrompt } from "./template.ts";

/** A map's run record: a run view (so status, logs and report read it) plus where the map stands. */
export interface MapView extends RunView {
  map: MapProgress & { out: string; notDone: number };
}

export interface MapHooks {
  onStart?(view: MapView): void;
  onProgress?(progress: MapProgress): void;
  /** Called once per finished item, after its line is in the results file. */
  onItem?(row: MapResult, progress: MapProgress): void;
}

/**
 * Runs one agent per item of a task list and writes one result line per item.
 *
 * @example
 * const view = await mapTasks({ tasks: "files.csv", idField: "path", prompt: "Migrate {path} to ESM", backends: codexBackend() });
 * console.log(view.map.done, view.map.failed, view.map.out);
 */
export async function mapTasks(
  options: MapOptions,
  hooks: MapHooks = {},
): Promise<MapView & { exitCode: number }> {
  checkMapOptions(options);
  const runId = options.resumeRunId ?? newRunId();
  const home = options.home ?? batonHome();
  const dir = runDir(runId, home);
  const source = typeof options.tasks === "string" ? `\`tasks\` ${options.tasks}` : "tasks";
  const items: MapItem[] =
    typeof options.tasks === "string"
      ? loadTasks(options.tasks, { idField: options.idField })
      : itemsFromObjects(options.tasks, options.idField);
  checkTemplate(options.prompt, items, source);
  const schema = options.outputSchema ? outputSchema(options.outputSchema, "`outputSchema`") : undefined;
  const owner = { pid: process.pid, ownerId: ownerId() };
  const startedAt = Date.now();
  const view: MapView = {
    runId,
    dir,
    task: options.prompt,
    status: "running",
    pattern: "map",
    agents: [],
    startedAt,
    map: { total: items.length, done: 0, failed: 0, running: 0, skipped: 0, startedAt, out: "", notDone: 0 },
  };
  const out = resolve(options.out ?? join(dir, "results.jsonl"));
  const { recorder, replay } = openRunRecord({
    home,
    runId,
    resume: options.resumeRunId !== undefined,
    owner,
    started: {
      type: "run.started",
      runId,
      task: options.prompt,
      pattern: "map",
      cwd: options.cwd ?? process.cwd(),
      options: recordedOptions(options, dir, out),
    },
    snapshot: view,
  });
  if (typeof options.tasks !== "string" && !options.resumeRunId)
    writeFileSync(join(dir, "tasks.jsonl"), items.map((i) => `${JSON.stringify(i.fields)}\n`).join(""));
  const results = new ResultsFile(out, schema?.json);
  let agentNumber = replay?.lastAgentNumber ?? 0;
  const progress: MapProgress = { ...view.map };
  for (const item of items) {
    const status = results.done.get(item.id);
    if (status === undefined) continue;
    progress.done++;
    progress.skipped++;
    if (status === "failed") progress.failed++;
  }
  let lastWrite = 0;
  const save = (force = false) => {
    const now = Date.now();
    if (!force && now - lastWrite < 1_000) return;
    lastWrite = now;
    view.agents = pool.list().map(toRow);
    view.map = { ...progress, out: results.file, notDone: progress.total - progress.done };
    recorder.writeView(view);
  };
  const pool = new Pool({
    backends: options.backends,
    concurrency: options.concurrency ?? 4,
    turnTimeoutMs: options.timeoutMs ?? 10 * 60_000,
    stallTimeoutMs: options.stallTimeoutMs ?? 5 * 60_000,
    cwd: options.cwd,
    maxTokens: options.maxTokens,
    turns: options.turns,
    supervisor: options.supervisor,
    scratchDir: recorder.agentDir("."),
    onEvent: (event) => {
      recorder.onPoolEvent(event);
      if (event.type === "turn.started") progress.running++;
      else if (event.type === "turn.ended") progress.running--;
      else return;
      hooks.onProgress?.(progress);
    },
  });
  save(true);
  hooks.onStart?.(view);
  let cancelled = false;
  const onAbort = () => {
    cancelled = true;
    void pool.cancelAll("cancelled");
  };
  // A record that cannot be written stops the map as a cancel would.
  recorder.onFault = () => void pool.cancelAll("cancelled");
  if (recorder.fault) recorder.onFault(recorder.fault);
  if (options.signal?.aborted) onAbort();
  options.signal?.addEventListener("abort", onAbort, { once: true });

  const ctx = {
    pool,
    schema,
    retries: options.retries ?? 1,
    sandbox: options.sandbox ?? "read-only",
    cwd: options.cwd,
    nextAgentId: () => `agent-${++agentNumber}`,
  };
  try {
    const todo = items.filter((item) => !results.done.has(item.id));
    await Promise.all(
      todo.map(async (item) => {
        const row = await runItem(ctx, item, renderPrompt(options.prompt, item));
        if (!row) return;
        results.append(row);
        progress.done++;
        if (row.status === "failed") progress.failed++;
        hooks.onItem?.(row, progress);
        save();
      }),
    );
    const notDone = progress.total - progress.done;
    view.status = cancelled ? "cancelled" : progress.failed > 0 || notDone > 0 ? "partial" : "completed";
    if (pool.budgetExhausted)
      view.error = {
        code: "E_BUDGET",
        message: `the token budget of ${options.maxTokens} was used up: ${notDone} items not done (resume with baton map --resume ${runId})`,
      };
  } catch (error) {
    view.status = cancelled ? "cancelled" : "failed";
    view.error = errorJson(error);
  } finally {
    options.signal?.removeEventListener("abort", onAbort);
    await pool.shutdown();
    if (recorder.fault) {
      view.status = "failed";
      view.error = errorJson(recorder.fault);
    }
    view.endedAt = Date.now();
    save(true);
    const exitCode = EXIT_FOR[view.status as Exclude<RunStatus, "running">];
    recorder.writeText("report.md", `${renderReport(view)}${mapReport(view)}`);
    // A map with items not done (cancel, budget, a record fault) can be resumed: it runs only those.
    const resumable = view.map.notDone > 0;
    recorder.journal.append({
      type: "run.ended",
      status: view.status,
      exitCode,
      error: view.error,
      ...(resumable ? { resumable } : {}),
    });
    await recorder.close();
    releaseRunLock(recorder.dir, owner);
  }
  return { ...view, exitCode: EXIT_FOR[view.status as Exclude<RunStatus, "running">] };
}

function mapReport(view: MapView): string {
  const m = view.map;
  return [
    "",
    "## Map",
    "",
    `- Items: ${m.total}, done: ${m.done}, failed: ${m.failed}, not done: ${m.notDone}${m.skipped ? ` (${m.skipped} done by an earlier run)` : ""}`,
    `- Results: \`${m.out}\``,
    "",
  ].join("\n");
}

/** What a resume needs; items given as objects are kept in the record (`tasks.jsonl`) for it. */
function recordedOptions(o: MapOptions, dir: string, out: string): RecordedMapOptions {
  return RecordedMapOptionsSchema.parse({
    ...o,
    tasks: typeof o.tasks === "string" ? resolve(o.tasks) : join(dir, "tasks.jsonl"),
    out,
  });
}
