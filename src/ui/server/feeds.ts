import { closeSync, openSync, readSync, statSync } from "node:fs";
import { join } from "node:path";
import { isBatonError } from "../../errors.ts";
import { runDir } from "../../store/paths.ts";
import { listRunIds } from "../../store/runs.ts";
import type { AgentLinks } from "../report-html/agents-html.ts";
import { liveParts } from "../report-html/page.ts";
import { type AgentFilesCache, fileStamp, loadRunRecord, type RunRecord } from "../report-html/record.ts";
import { describeEventLine } from "./event-line.ts";
import type { SseStream } from "./sse.ts";

/** Size and change time of each file, as one string: a change of any of them is a change of the run. */
export function filesSignature(files: string[]): string {
  return files.map(fileStamp).join("|");
}

/** A run whose record says running for this long after `run.json` said otherwise is taken as ended. */
const SETTLE_MS = 2_000;

function over(record: RunRecord): boolean {
  return record.timeline.ended || record.stale;
}

/**
 * The live run page's feed: when the journal or `run.json` changes (checked every poll), and once a
 * second while the run goes on (so running bars grow), the sections that changed are sent; when the
 * run has ended the last picture is sent, then `end`.
 */
export function runFeed(runId: string, home: string | undefined, links: AgentLinks, tickMs = 1_000) {
  const dir = runDir(runId, home);
  const files = [join(dir, "journal.jsonl"), join(dir, "run.json")];
  const sent = new Map<string, string>();
  const cache: AgentFilesCache = new Map();
  let signature = "";
  let lastSentMs = 0;
  let settledSince: number | undefined;
  return (sse: SseStream): boolean => {
    const now = Date.now();
    const next = filesSignature(files);
    if (next === signature && now - lastSentMs < tickMs) return true;
    signature = next;
    lastSentMs = now;
    let record: RunRecord;
    try {
      record = loadRunRecord(runId, home, now, cache);
    } catch (error) {
      if (!isBatonError(error, "E_NOT_FOUND")) return true; // between two writes: read again next time
      sse.send("end", "the run's record is gone");
      return false;
    }
    const changed: Record<string, string> = {};
    for (const [id, html] of Object.entries(liveParts(record, links))) {
      if (sent.get(id) === html) continue;
      sent.set(id, html);
      changed[id] = html;
    }
    if (Object.keys(changed).length) sse.send("sections", JSON.stringify(changed));
    if (record.view.status !== "running") settledSince ??= now;
    if (over(record) || (settledSince !== undefined && now - settledSince >= SETTLE_MS)) {
      sse.send(
        "end",
        record.stale
          ? "the run was abandoned: its owner process is gone"
          : `the run has ended: ${record.view.status}`,
      );
      return false;
    }
    return true;
  };
}

/** The runs list's feed: the table again whenever a run appears or a `run.json` changes. */
export function listFeed(home: string | undefined, render: () => string) {
  let signature = "";
  let sent = "";
  return (sse: SseStream): boolean => {
    const ids = listRunIds(home);
    const next = `${ids.join(",")}#${filesSignature(ids.map((id) => join(runDir(id, home), "run.json")))}`;
    if (next === signature) return true;
    signature = next;
    const html = render();
    if (html !== sent) sse.send("sections", JSON.stringify({ "run-list": html }));
    sent = html;
    return true;
  };
}

/** Reads what was appended to a file since `offset`, complete lines only. */
function readNewLines(file: string, from: { offset: number }): string[] {
  let fd: number;
  try {
    fd = openSync(file, "r");
  } catch {
    return [];
  }
  try {
    const size = statSync(file).size;
    if (size <= from.offset) return [];
    const buffer = Buffer.alloc(size - from.offset);
    const read = readSync(fd, buffer, 0, buffer.length, from.offset);
    const text = buffer.subarray(0, read).toString("utf8");
    const end = text.lastIndexOf("\n");
    if (end < 0) return [];
    from.offset += Buffer.byteLength(text.slice(0, end + 1));
    return text.slice(0, end).split("\n");
  } finally {
    closeSync(fd);
  }
}

/** A worker's event stream, line by line as it is written, until the run has ended and all is sent. */
export function agentFeed(runId: string, agentId: string, home: string | undefined) {
  const dir = runDir(runId, home);
  const events = join(dir, "agents", agentId, "events.jsonl");
  const position = { offset: 0 };
  const cache: AgentFilesCache = new Map();
  let journalSignature = "";
  let ended = false;
  return (sse: SseStream): boolean => {
    const lines = readNewLines(events, position).filter((l) => l.trim() !== "");
    if (lines.length) sse.send("lines", JSON.stringify(lines.map(describeEventLine)));
    if (ended) {
      sse.send("end", "the run has ended");
      return false;
    }
    const next = filesSignature([join(dir, "journal.jsonl")]);
    if (next !== journalSignature) {
      journalSignature = next;
      try {
        // One more read after the end: the last lines reach the file just before `run.ended`.
        ended = over(loadRunRecord(runId, home, Date.now(), cache));
      } catch {
        // read again at the next poll
      }
    }
    return true;
  };
}
