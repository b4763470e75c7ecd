/**
 * The OpenAI Responses API as codex speaks it: reading a `POST /responses` body and writing the
 * server-sent events of one answer. Formats checked against `@openai/codex` 0.169.0
 * (see /work/shared/reference/codex-exec.md).
 */
import { minimalInstance } from "./json-instance.ts";
import type { ScriptAction } from "./script.ts";

export interface ToolOutput {
  type: string;
  callId: string;
  output: string;
}

export interface ParsedRequest {
  model: string;
  /** Text of the last user message that is not a context block codex injected (the turn's prompt). */
  lastUserText: string;
  /** Every text of the input (instructions, messages, tool calls and outputs), newline-joined. */
  allInputText: string;
  /** Tool results after the last user message, oldest first. */
  toolOutputs: ToolOutput[];
  /** How many rounds of tool results follow the last user message: the step of a multi-step rule. */
  step: number;
  /** The JSON Schema of `text.format` (codex `--output-schema`), if any. */
  outputSchema?: unknown;
  /** Tool names offered; tools inside a namespace are listed as "namespace/name". */
  toolNames: string[];
}

type Item = Record<string, unknown>;
type ToolCall = { name: string; arguments: Record<string, unknown>; namespace?: string };

/** Codex adds user-role messages that are context, not the user's prompt. */
const INJECTED_USER_TEXT =
  /^\s*(<(environment_context|user_instructions|skill|turn_aborted|user_shell_command)>|# AGENTS\.md instructions)/;

function textOf(value: unknown): string {
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return value.map(textOf).filter(Boolean).join("\n");
  if (typeof value === "object" && value !== null) {
    const v = value as Item;
    if (typeof v.text === "string") return v.text;
    if (v.content !== undefined) return textOf(v.content);
    if (v.output !== undefined) return textOf(v.output);
  }
  return "";
}

function itemText(item: Item): string {
  switch (item.type) {
    case "function_call":
      return `${String(item.name)} ${String(item.arguments ?? "")}`;
    case "custom_tool_call":
      return `${String(item.name)} ${String(item.input ?? "")}`;
    case "reasoning":
      return textOf(item.summary);
    default:
      return textOf(item.content ?? item.output ?? "");
  }
}

const isToolOutput = (item: Item): boolean => typeof item.type === "string" && item.type.endsWith("_output");
const isUserMessage = (item: Item): boolean =>
  (item.type === "message" || item.type === undefined) && item.role === "user";

export function parseRequest(body: unknown): ParsedRequest {
  const b = (typeof body === "object" && body !== null ? body : {}) as Item;
  const input: Item[] = (
    Array.isArray(b.input) ? b.input : typeof b.input === "string" ? [{ role: "user", content: b.input }] : []
  ).filter((i): i is Item => typeof i === "object" && i !== null);

  let lastUser = -1;
  let fallbackUser = -1;
  input.forEach((item, index) => {
    if (!isUserMessage(item)) return;
    fallbackUser = index;
    if (!INJECTED_USER_TEXT.test(textOf(item.content))) lastUser = index;
  });
  if (lastUser < 0) lastUser = fallbackUser;

  const after = input.slice(lastUser + 1);
  const toolOutputs = after.filter(isToolOutput).map((item) => ({
    type: String(item.type),
    callId: String(item.call_id ?? ""),
    output: textOf(item.output),
  }));
  // Parallel calls come back as one run of outputs, so a step is a run, not a single output.
  let step = 0;
  after.forEach((item, i) => {
    if (isToolOutput(item) && !(after[i + 1] && isToolOutput(after[i + 1]!))) step++;
  });

  const texts = [typeof b.instructions === "string" ? b.instructions : "", ...input.map(itemText)];
  const format = (b.text as Item | undefined)?.format as Item | undefined;
  return {
    model: typeof b.model === "string" ? b.model : "",
    lastUserText: lastUser >= 0 ? textOf(input[lastUser]!.content) : "",
    allInputText: texts.filter(Boolean).join("\n"),
    toolOutputs,
    step,
    ...(format?.type === "json_schema" ? { outputSchema: format.schema } : {}),
    toolNames: toolNamesOf(b.tools),
  };
}

function toolNamesOf(tools: unknown): string[] {
  if (!Array.isArray(tools)) return [];
  const names: string[] = [];
  for (const tool of tools as Item[]) {
    if (tool.type === "namespace" && Array.isArray(tool.tools)) {
      for (const inner of tool.tools as Item[]) names.push(`${String(tool.name)}/${String(inner.name)}`);
    } else {
      names.push(String(tool.name ?? tool.type));
    }
  }
  return names;
}

export interface SseEvent {
  type: string;
  [key: string]: unknown;
}

export function formatSse(event: SseEvent): string {
  return `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

/** Deterministic token counts: ~4 characters a token, at least 1. */
export const approxTokens = (chars: number): number => Math.max(1, Math.ceil(chars / 4));

export interface EventContext {
  /** Distinguishes ids across the requests of one server ("resp_<n>", "call_<n>_<k>"). */
  requestNumber: number;
  request: ParsedRequest;
}

/**
 * The events of one streamed answer. `http` and `hang` are not streams: the server handles them
 * before calling this.
 */
export function actionEvents(action: ScriptAction, ctx: EventContext): SseEvent[] {
  const n = ctx.requestNumber;
  const responseId = `resp_${n}`;
  const events: SseEvent[] = [
    { type: "response.created", response: { id: responseId, status: "in_progress" } },
  ];
  const items: Item[] = [];
  let reasoningChars = 0;
  let outputChars = 0;

  if (action.reasoning !== undefined) {
    reasoningChars = action.reasoning.length;
    items.push({
      type: "reasoning",
      id: `rs_${n}`,
      summary: [{ type: "summary_text", text: action.reasoning }],
    });
  }

  if (action.fail !== undefined) {
    const { message, code } =
      typeof action.fail === "string" ? { message: action.fail, code: undefined } : action.fail;
    return [...events, failed(responseId, message, code)];
  }

  let text: string | undefined;
  if (action.reply !== undefined) text = action.reply;
  else if (action.json !== undefined) text = JSON.stringify(action.json);
  else if (action.jsonAuto) {
    if (ctx.request.outputSchema === undefined) {
      return [
        ...events,
        failed(
          responseId,
          "scripted model: jsonAuto needs a request with text.format (codex --output-schema)",
        ),
      ];
    }
    text = JSON.stringify(minimalInstance(ctx.request.outputSchema));
  }

  if (text !== undefined) {
    outputChars += text.length;
    items.push({
      type: "message",
      role: "assistant",
      id: `msg_${n}`,
      status: "completed",
      content: [{ type: "output_text", text, annotations: [] }],
    });
  }

  const calls: ToolCall[] =
    action.shell !== undefined
      ? [shellCall(action.shell, ctx.request.toolNames)]
      : [action.toolCall ?? []].flat();
  calls.forEach((call, k) => {
    const args = JSON.stringify(call.arguments ?? {});
    outputChars += call.name.length + args.length;
    items.push({
      type: "function_call",
      id: `fc_${n}_${k}`,
      call_id: `call_${n}_${k}`,
      name: call.name,
      arguments: args,
      status: "completed",
      ...(call.namespace ? { namespace: call.namespace } : {}),
    });
  });

  items.forEach((item, outputIndex) => {
    if (item.type === "message") {
      events.push({
        type: "response.output_item.added",
        output_index: outputIndex,
        item: { ...item, content: [] },
      });
      events.push({
        type: "response.output_text.delta",
        item_id: item.id,
        output_index: outputIndex,
        content_index: 0,
        delta: text,
      });
    }
    events.push({ type: "response.output_item.done", output_index: outputIndex, item });
  });

  const u = action.usage ?? {};
  const inputTokens = u.inputTokens ?? approxTokens(ctx.request.allInputText.length);
  const reasoningTokens = u.reasoningTokens ?? (reasoningChars ? approxTokens(reasoningChars) : 0);
  const outputTokens = u.outputTokens ?? approxTokens(outputChars) + reasoningTokens;
  events.push({
    type: "response.completed",
    response: {
      id: responseId,
      status: "completed",
      output: items,
      usage: {
        input_tokens: inputTokens,
        input_tokens_details: { cached_tokens: u.cachedTokens ?? 0 },
        output_tokens: outputTokens,
        output_tokens_details: { reasoning_tokens: reasoningTokens },
        total_tokens: inputTokens + outputTokens,
      },
    },
  });
  return events;
}

function failed(responseId: string, message: string, code = "server_error"): SseEvent {
  return {
    type: "response.failed",
    response: { id: responseId, status: "failed", error: { code, message } },
  };
}

/**
 * `shell:` sugar. Codex 0.169 offers `exec_command {cmd}` (unified exec); older or differently
 * configured codex versions offer `shell_command {command: string}` or `shell {command: string[]}`.
 */
export function shellCall(command: string, toolNames: string[]): ToolCall {
  if (toolNames.includes("exec_command") || toolNames.length === 0)
    return { name: "exec_command", arguments: { cmd: command } };
  if (toolNames.includes("shell_command")) return { name: "shell_command", arguments: { command } };
  if (toolNames.includes("shell")) return { name: "shell", arguments: { command: ["bash", "-lc", command] } };
  return { name: "exec_command", arguments: { cmd: command } };
}
