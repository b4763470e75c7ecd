import type { Usage } from "../../core/usage.ts";
import { rateLimitOf } from "../codex/events.ts";
import { jsonLine } from "../json-line.ts";
import type { TurnParser, WorkerEvent, WorkerItem } from "../types.ts";

type Raw = Record<string, unknown>;

/**
 * Parses `claude -p --output-format stream-json --verbose` stdout into WorkerEvents. Never throws.
 *
 * - `system/init` → `thread.started` (the session id) and `turn.started`
 * - `system/api_retry` → a non-fatal `error` (claude retries by itself)
 * - assistant text → `agent_message`, thinking → `reasoning`, tool_use → `item.started`
 * - user tool_result → `item.completed` of the matching tool item
 * - `result` → `turn.completed` with this process's usage (not cumulative), or `turn.failed`
 * - anything else is kept as `unknown`
 */
export function claudeParser(): TurnParser {
  let finished = false;
  let lastText: string | undefined;
  const tools = new Map<string, WorkerItem>();

  const onAssistant = (e: Raw): WorkerEvent[] => {
    const message = (e.message ?? {}) as Raw;
    const content = Array.isArray(message.content) ? (message.content as Raw[]) : [];
    const out: WorkerEvent[] = [];
    content.forEach((block, index) => {
      // claude emits one assistant event per content block, all with the message's id: the event's uuid tells them apart.
      const id = `${String(e.uuid ?? message.id ?? "msg")}_${index}`;
      if (block.type === "text" && typeof block.text === "string") {
        lastText = block.text;
        out.push({ type: "item.completed", item: { id, type: "agent_message", text: block.text } });
      } else if (block.type === "thinking" && typeof block.thinking === "string") {
        out.push({ type: "item.completed", item: { id, type: "reasoning", text: block.thinking } });
      } else if (block.type === "tool_use" && typeof block.id === "string") {
        const item = toolItem(block);
        tools.set(block.id, item);
        out.push({ type: "item.started", item });
      } else {
        out.push({ type: "unknown", raw: block });
      }
    });
    return out;
  };

  const onUser = (e: Raw): WorkerEvent[] => {
    const message = (e.message ?? {}) as Raw;
    const content = Array.isArray(message.content) ? (message.content as Raw[]) : [];
    const results = content.filter((b) => b.type === "tool_result");
    if (results.length === 0) return [{ type: "unknown", raw: e }];
    return results.map((block): WorkerEvent => {
      const id = String(block.tool_use_id ?? "");
      const started = tools.get(id) ?? { id, type: "tool_call" };
      tools.delete(id);
      const output = textOf(block.content);
      const status = block.is_error === true ? "failed" : "completed";
      const item: WorkerItem =
        started.type === "command_execution"
          ? { ...started, aggregated_output: output, status }
          : { ...started, result: output, status };
      return { type: "item.completed", item };
    });
  };

  const onResult = (e: Raw): WorkerEvent[] => {
    finished = true;
    const text = typeof e.result === "string" ? e.result : "";
    const failed = e.is_error === true || (typeof e.subtype === "string" && e.subtype.startsWith("error"));
    if (failed) {
      const errors = Array.isArray(e.errors) ? e.errors.map(String).join("; ") : "";
      const message = text || errors || `claude ended its turn with ${String(e.subtype ?? "an error")}`;
      const limited = e.api_error_status === 429 || e.api_error_type === "rate_limit_error";
      return [
        { type: "turn.failed", message, ...rateLimitOf(message), ...(limited ? { rateLimited: true } : {}) },
      ];
    }
    const out: WorkerEvent[] = [];
    // The result is the answer: the structured value when --json-schema was used, else claude's own final text.
    const answer = e.structured_output !== undefined ? JSON.stringify(e.structured_output) : text;
    if (answer !== "" && answer !== lastText) {
      out.push({ type: "item.completed", item: { id: "result", type: "agent_message", text: answer } });
    }
    out.push({
      type: "item.completed",
      item: {
        id: "cost",
        type: "cost",
        costUsd: typeof e.total_cost_usd === "number" ? e.total_cost_usd : undefined,
        durationMs: e.duration_ms,
        numTurns: e.num_turns,
        modelUsage: e.modelUsage,
      },
    });
    const usage = toUsage(e.usage);
    out.push(
      usage
        ? { type: "turn.completed", usage, usageIsCumulative: false }
        : { type: "turn.completed", usageIsCumulative: false },
    );
    return out;
  };

  return {
    line: (text) =>
      jsonLine(text, (raw) => {
        if (typeof raw !== "object" || raw === null) return [{ type: "unknown", raw }];
        const e = raw as Raw;
        try {
          switch (e.type) {
            case "system":
              if (e.subtype === "init" && typeof e.session_id === "string") {
                return [{ type: "thread.started", threadId: e.session_id }, { type: "turn.started" }];
              }
              if (e.subtype === "api_retry") {
                return [
                  {
                    type: "error",
                    message: `model API error${e.error_status ? ` ${String(e.error_status)}` : ""} (${String(e.error ?? "unknown")}); retry ${String(e.attempt)}/${String(e.max_retries)} in ${String(e.retry_delay_ms)} ms`,
                  },
                ];
              }
              return [{ type: "unknown", raw }];
            case "assistant":
              return onAssistant(e);
            case "user":
              return onUser(e);
            case "result":
              return onResult(e);
            default:
              return [{ type: "unknown", raw }];
          }
        } catch {
          return [{ type: "unknown", raw }];
        }
      }),
    end({ exitCode, signal, stderrTail }) {
      if (finished) return [];
      const how = signal ? `was killed by ${signal}` : `exited with code ${exitCode}`;
      const detail = stderrTail
        .split("\n")
        .map((l) => l.trim())
        .filter(Boolean)
        .at(-1)
        ?.slice(0, 500);
      return [
        {
          type: "turn.failed",
          message: `claude ${how} without finishing its turn${detail ? `: ${detail}` : ""}`,
        },
      ];
    },
  };
}

/** Tool calls as the items codex uses where one fits (so views and records read the same for both). */
function toolItem(block: Raw): WorkerItem {
  const id = String(block.id);
  const name = String(block.name ?? "");
  const input = (typeof block.input === "object" && block.input !== null ? block.input : {}) as Raw;
  if (name === "Bash")
    return { id, type: "command_execution", command: String(input.command ?? ""), status: "in_progress" };
  if (name === "Edit" || name === "Write" || name === "NotebookEdit") {
    const path = String(input.file_path ?? input.notebook_path ?? "");
    return {
      id,
      type: "file_change",
      changes: [{ path, kind: name === "Write" ? "add" : "update" }],
      status: "in_progress",
    };
  }
  const mcp = /^mcp__(.+?)__(.+)$/.exec(name);
  if (mcp)
    return {
      id,
      type: "mcp_tool_call",
      server: mcp[1],
      tool: mcp[2],
      arguments: input,
      status: "in_progress",
    };
  return { id, type: "tool_call", name, arguments: input, status: "in_progress" };
}

function textOf(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    return content
      .map((c) =>
        typeof c === "object" && c !== null && typeof (c as Raw).text === "string"
          ? String((c as Raw).text)
          : "",
      )
      .filter(Boolean)
      .join("\n");
  }
  return "";
}

/**
 * Anthropic counts cache reads and writes apart from `input_tokens`; baton's Usage (like codex's) counts
 * every input token in `inputTokens`, with the cached part repeated in `cachedInputTokens`.
 */
export function toUsage(u: unknown): Usage | undefined {
  if (typeof u !== "object" || u === null) return undefined;
  const n = (v: unknown) => (typeof v === "number" && Number.isFinite(v) && v > 0 ? Math.round(v) : 0);
  const r = u as Raw;
  const details = (r.output_tokens_details ?? {}) as Raw;
  return {
    inputTokens: n(r.input_tokens) + n(r.cache_read_input_tokens) + n(r.cache_creation_input_tokens),
    cachedInputTokens: n(r.cache_read_input_tokens),
    outputTokens: n(r.output_tokens),
    reasoningTokens: n(details.thinking_tokens),
  };
}
