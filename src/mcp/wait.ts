import { isFinal } from "../core/status.ts";
import type { WaitResult } from "../core/wait.ts";
import { BatonError } from "../errors.ts";
import type { AgentBook } from "./agents.ts";
import type { WaitOutput } from "./outputs.ts";
import { WAIT_AGENT_MAX_MS, WAIT_AGENT_MIN_MS, WAIT_DEFAULT_MS } from "./schemas.ts";
import { agentUri } from "./views.ts";

export interface WaitLimits {
  /** Longest a call blocks (`--wait-max`). */
  waitMaxMs: number;
  /** Bytes of each final message put inline (`--max-inline`). */
  maxInlineBytes: number;
  /** How often a wait with a progress token reports. */
  progressIntervalMs: number;
}

export interface WaitCall {
  ids: string[];
  requestedMs?: number;
  mode: "all" | "any";
  /** Codex's wait_agent: only final agents in `status`, 10 s … 1 h. */
  codex: boolean;
}

export interface WaitHooks {
  signal?: AbortSignal;
  /** Called every progressIntervalMs while waiting (when the client asked for progress). */
  progress?: (update: { progress: number; total: number; message: string }) => Promise<void>;
}

/** The bound a call uses, and whether the requested timeout was changed to get it. */
export function waitBoundMs(
  requested: number | undefined,
  waitMaxMs: number,
  codex = false,
): { timeoutMs: number; clamped: boolean } {
  const wanted = requested === undefined || Number.isNaN(requested) ? WAIT_DEFAULT_MS : requested;
  let bound = Math.max(codex ? WAIT_AGENT_MIN_MS : 0, Math.round(wanted));
  bound = Math.min(bound, codex ? WAIT_AGENT_MAX_MS : Number.POSITIVE_INFINITY, waitMaxMs);
  return { timeoutMs: bound, clamped: requested !== undefined && bound !== requested };
}

/** Cuts `text` to at most `maxBytes` of UTF-8, never inside a character. */
export function cutUtf8(text: string, maxBytes: number): string {
  if (text.length <= maxBytes / 4 || Buffer.byteLength(text) <= maxBytes) return text;
  return Buffer.from(text)
    .subarray(0, maxBytes)
    .toString("utf8")
    .replace(/\uFFFD+$/, "");
}

/**
 * `wait` / `wait_agent`: blocks until the agents are final (all, or the first), the bound passes or the
 * signal aborts (then `timed_out`); sends progress while it waits. Closed agents are final at once.
 */
export async function waitForAgents(
  book: AgentBook,
  call: WaitCall,
  limits: WaitLimits,
  hooks: WaitHooks = {},
): Promise<WaitOutput> {
  const ids = [...new Set(call.ids)];
  const unknown = ids.filter((id) => book.entry(id) === undefined);
  if (unknown.length > 0) throw unknownIds(call.codex ? "wait_agent" : "wait", unknown, book);
  const { timeoutMs, clamped } = waitBoundMs(call.requestedMs, limits.waitMaxMs, call.codex);
  const started = Date.now();
  const open = ids.filter((id) => !book.isClosed(id));
  const doneAlready = call.mode === "any" ? open.length < ids.length : open.length === 0;

  const timer =
    hooks.progress && !doneAlready
      ? setInterval(() => {
          const final = ids.filter((id) => book.isFinal(id)).length;
          const waited = Date.now() - started;
          void hooks
            .progress?.({
              progress: waited,
              total: timeoutMs,
              message: `${final} of ${ids.length} agents finished; waited ${Math.round(waited / 1000)} s of ${Math.round(timeoutMs / 1000)} s`,
            })
            .catch(() => {});
        }, limits.progressIntervalMs)
      : undefined;
  let result: WaitResult | undefined;
  try {
    if (open.length > 0) {
      result = await book.pool.wait(open, {
        timeoutMs: doneAlready ? 0 : timeoutMs,
        mode: call.mode,
        signal: hooks.signal,
      });
    }
  } finally {
    if (timer) clearInterval(timer);
  }
  const output: WaitOutput = {
    timed_out: false,
    end_reasons: {},
    waited_ms: Date.now() - started,
    timeout_ms: timeoutMs,
    timeout_clamped: clamped,
    status: {},
    truncated: {},
  };
  for (const id of ids) {
    const entry = book.entry(id)!;
    const status = entry.closed ? "shutdown" : entry.live.status;
    const endReason = entry.closed ? entry.closed.endReason : entry.live.endReason;
    if (isFinal(status) && endReason) output.end_reasons[id] = endReason;
    if (call.codex && !isFinal(status)) continue;
    output.status[id] = statusEntry(book, id, limits.maxInlineBytes, output, result);
  }
  const finals = Object.keys(output.end_reasons).length;
  output.timed_out = call.mode === "any" ? finals === 0 : finals < ids.length;
  return output;
}

function statusEntry(
  book: AgentBook,
  id: string,
  maxInline: number,
  output: WaitOutput,
  result: WaitResult | undefined,
): Record<string, string | null> {
  const entry = book.entry(id)!;
  let text: string | null;
  let key: string;
  if (entry.closed) {
    key = "shutdown";
    text = book.finalHead(id, maxInline) ?? null;
  } else {
    [key, text] = Object.entries(result?.status[id] ?? { not_found: null })[0] as [string, string | null];
  }
  if (text !== null) {
    const bytes = key === "completed" || key === "shutdown" ? book.finalBytes(id) : Buffer.byteLength(text);
    const inline = cutUtf8(text, maxInline);
    if (bytes > Buffer.byteLength(inline)) {
      output.truncated[id] = { bytes, inline_bytes: Buffer.byteLength(inline), uri: `${agentUri(id)}/final` };
    }
    text = inline;
  }
  return { [key]: text };
}

export function unknownIds(op: string, ids: string[], book: AgentBook): BatonError {
  const known = book.page(0, 20).map((e) => (e.live ? e.live.id : e.closed.id));
  const quoted = ids.map((id) => `"${id}"`).join(", ");
  return new BatonError(
    "E_NOT_FOUND",
    `${op}: no agent with id ${quoted}. ` +
      (known.length > 0
        ? `Known agents: ${known.join(", ")}${book.size > known.length ? ", … (list_agents shows all)" : ""}.`
        : "No agent has been spawned yet; use spawn_agent."),
    { agentId: ids[0] },
  );
}
