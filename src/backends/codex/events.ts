import type { Usage } from "../../core/usage.ts";
import { jsonLine } from "../json-line.ts";
import type { TurnParser, WorkerEvent, WorkerItem } from "../types.ts";

/** Parses `codex exec --json` stdout (one JSON object per line) into WorkerEvents. Never throws. */
export function codexParser(): TurnParser {
  let finished = false;
  return {
    line: (text) =>
      jsonLine(text, (raw) => {
        const event = toEvent(raw);
        if (event.type === "turn.completed" || event.type === "turn.failed") finished = true;
        return [event];
      }),
    end({ exitCode, signal, stderrTail }) {
      if (finished) return [];
      const how = signal ? `was killed by ${signal}` : `exited with code ${exitCode}`;
      const detail = lastMeaningfulLine(stderrTail);
      return [
        {
          type: "turn.failed",
          message: `codex ${how} without finishing its turn${detail ? `: ${detail}` : ""}`,
        },
      ];
    },
  };
}

function toEvent(raw: unknown): WorkerEvent {
  if (typeof raw !== "object" || raw === null) return { type: "unknown", raw };
  const e = raw as Record<string, unknown>;
  switch (e.type) {
    case "thread.started":
      return typeof e.thread_id === "string"
        ? { type: "thread.started", threadId: e.thread_id }
        : { type: "unknown", raw };
    case "turn.started":
      return { type: "turn.started" };
    case "item.started":
    case "item.updated":
    case "item.completed": {
      const item = e.item as WorkerItem | undefined;
      if (!item || typeof item.type !== "string") return { type: "unknown", raw };
      return { type: e.type, item };
    }
    case "turn.completed": {
      const usage = toUsage(e.usage);
      return usage
        ? { type: "turn.completed", usage, usageIsCumulative: true }
        : { type: "turn.completed", usageIsCumulative: true };
    }
    case "turn.failed": {
      const message = String((e.error as { message?: unknown } | undefined)?.message ?? "turn failed");
      return { type: "turn.failed", message, ...rateLimitOf(message) };
    }
    case "error":
      return { type: "error", message: String(e.message ?? "") };
    default:
      return { type: "unknown", raw };
  }
}

function toUsage(u: unknown): Usage | undefined {
  if (typeof u !== "object" || u === null) return undefined;
  const n = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : 0);
  const r = u as Record<string, unknown>;
  return {
    inputTokens: n(r.input_tokens),
    cachedInputTokens: n(r.cached_input_tokens),
    outputTokens: n(r.output_tokens),
    reasoningTokens: n(r.reasoning_output_tokens),
  };
}

/** Recognises a rate-limit failure in an error text and the wait it asks for, if any. */
export function rateLimitOf(message: string): { rateLimited?: true; retryAfterMs?: number } {
  if (!/\b429\b|rate.?limit|too many requests/i.test(message)) return {};
  const m = /(?:retry|try again)[^0-9]{0,20}(\d+(?:\.\d+)?)\s*(ms|s|sec|seconds?|m|min)?/i.exec(message);
  if (!m) return { rateLimited: true };
  const value = Number(m[1]);
  const unit = (m[2] ?? "s").toLowerCase();
  const ms = unit === "ms" ? value : unit.startsWith("m") && unit !== "ms" ? value * 60_000 : value * 1_000;
  return { rateLimited: true, retryAfterMs: Math.round(ms) };
}

function lastMeaningfulLine(text: string): string {
  const lines = text
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "" && !/CODEX_HOME.*tmp|^WARNING: proceeding/i.test(l));
  return (lines.at(-1) ?? "").slice(0, 500);
}
