/**
 * The Anthropic Messages API as Claude Code speaks it: reading a `POST /v1/messages` body and writing
 * one answer, streamed (server-sent events) or as one JSON message. Formats checked against
 * `@anthropic-ai/claude-code` 2.1.330 (see docs/backends.md).
 */
import { minimalInstance } from "./json-instance.ts";
import { approxTokens, type ParsedRequest, type SseEvent } from "./responses-api.ts";
import type { ScriptAction } from "./script.ts";

type Item = Record<string, unknown>;

/** The tool `claude --json-schema` adds; the model answers by calling it with the structured value. */
export const STRUCTURED_OUTPUT_TOOL = "StructuredOutput";

/** Text blocks Claude Code adds to user turns that are context, not the user's prompt. */
const INJECTED_TEXT = /^\s*(<system-reminder>|\[structured-output-enforce\]|\[Request interrupted by user)/;

const textBlocksOf = (content: unknown): Item[] =>
  typeof content === "string"
    ? [{ type: "text", text: content }]
    : Array.isArray(content)
      ? content.filter((b): b is Item => typeof b === "object" && b !== null)
      : [];

function plainText(content: unknown): string {
  if (typeof content === "string") return content;
  return textBlocksOf(content)
    .map((b) => (typeof b.text === "string" ? b.text : b.type === "tool_result" ? plainText(b.content) : ""))
    .filter(Boolean)
    .join("\n");
}

function blockText(block: Item): string {
  switch (block.type) {
    case "text":
      return String(block.text ?? "");
    case "thinking":
      return String(block.thinking ?? "");
    case "tool_use":
      return `${String(block.name)} ${JSON.stringify(block.input ?? {})}`;
    case "tool_result":
      return plainText(block.content);
    default:
      return "";
  }
}

const isToolResultTurn = (message: Item): boolean =>
  message.role === "user" && textBlocksOf(message.content).some((b) => b.type === "tool_result");

/** The user's own words in a user message: its text blocks minus injected context. */
function ownText(message: Item): string {
  return textBlocksOf(message.content)
    .filter((b) => b.type === "text" && typeof b.text === "string" && !INJECTED_TEXT.test(b.text))
    .map((b) => String(b.text))
    .join("\n");
}

/** Reads a Messages request into the shape the rule chooser works on (the same as for the Responses API). */
export function parseMessagesRequest(body: unknown): ParsedRequest {
  const b = (typeof body === "object" && body !== null ? body : {}) as Item;
  const messages = (Array.isArray(b.messages) ? b.messages : []).filter(
    (m): m is Item => typeof m === "object" && m !== null,
  );

  let lastUser = -1;
  messages.forEach((message, index) => {
    if (message.role === "user" && !isToolResultTurn(message) && ownText(message).trim() !== "")
      lastUser = index;
  });

  // A step is one round of tool results after the prompt; parallel calls come back in one user message.
  const after = messages.slice(lastUser + 1);
  const toolOutputs = after
    .filter(isToolResultTurn)
    .flatMap((m) => textBlocksOf(m.content).filter((block) => block.type === "tool_result"))
    .map((block) => ({
      type: "tool_result",
      callId: String(block.tool_use_id ?? ""),
      output: plainText(block.content),
    }));
  const step = after.filter(isToolResultTurn).length;

  const tools = (Array.isArray(b.tools) ? b.tools : []).filter(
    (t): t is Item => typeof t === "object" && t !== null,
  );
  const structured = tools.find((t) => t.name === STRUCTURED_OUTPUT_TOOL);
  const format = ((b.output_config as Item | undefined)?.format ?? b.output_format) as Item | undefined;
  const outputSchema = structured
    ? structured.input_schema
    : format?.type === "json_schema"
      ? format.schema
      : undefined;

  const texts = [plainText(b.system), ...messages.flatMap((m) => textBlocksOf(m.content).map(blockText))];
  return {
    model: typeof b.model === "string" ? b.model : "",
    lastUserText: lastUser >= 0 ? ownText(messages[lastUser]!) : "",
    allInputText: texts.filter(Boolean).join("\n"),
    toolOutputs,
    step,
    ...(outputSchema !== undefined ? { outputSchema } : {}),
    toolNames: tools.map((t) => String(t.name ?? t.type)),
  };
}

export interface MessagesContext {
  /** Distinguishes ids across the requests of one server ("msg_<n>", "toolu_<n>_<k>"). */
  requestNumber: number;
  request: ParsedRequest;
}

/** One answer: either a message (content blocks + usage) or an API error. */
type Answer =
  | { kind: "message"; content: Item[]; stopReason: "end_turn" | "tool_use"; usage: Item }
  | { kind: "error"; status: number; error: { type: string; message: string } };

/** Error types of the Messages API and the HTTP status that carries each. */
const ERROR_STATUS: Record<string, number> = {
  invalid_request_error: 400,
  authentication_error: 401,
  permission_error: 403,
  not_found_error: 404,
  request_too_large: 413,
  rate_limit_error: 429,
  api_error: 500,
  overloaded_error: 529,
};

function answerOf(action: ScriptAction, ctx: MessagesContext): Answer {
  const n = ctx.requestNumber;
  if (action.fail !== undefined) {
    const { message, code } =
      typeof action.fail === "string" ? { message: action.fail, code: undefined } : action.fail;
    const type = code && code in ERROR_STATUS ? code : "api_error";
    return { kind: "error", status: ERROR_STATUS[type]!, error: { type, message } };
  }
  const content: Item[] = [];
  let outputChars = 0;
  if (action.reasoning !== undefined) {
    outputChars += action.reasoning.length;
    content.push({ type: "thinking", thinking: action.reasoning, signature: `sig_${n}` });
  }
  const offersStructured = ctx.request.toolNames.includes(STRUCTURED_OUTPUT_TOOL);
  const calls: { name: string; input: unknown }[] = [];
  let structured: { value: unknown } | undefined;
  if (action.json !== undefined) structured = { value: action.json };
  else if (action.jsonAuto) {
    if (ctx.request.outputSchema === undefined) {
      return {
        kind: "error",
        status: 400,
        error: {
          type: "invalid_request_error",
          message: "scripted model: jsonAuto needs a request with a schema (claude --json-schema)",
        },
      };
    }
    structured = { value: minimalInstance(ctx.request.outputSchema) };
  }
  if (action.reply !== undefined) content.push({ type: "text", text: action.reply });
  else if (structured && offersStructured)
    calls.push({ name: STRUCTURED_OUTPUT_TOOL, input: structured.value });
  else if (structured) content.push({ type: "text", text: JSON.stringify(structured.value) });
  if (action.shell !== undefined)
    calls.push({ name: "Bash", input: { command: action.shell, description: "scripted command" } });
  for (const call of [action.toolCall ?? []].flat()) {
    // Claude Code names MCP tools mcp__<server>__<tool>; a codex-style namespace "mcp__<server>" maps onto it.
    calls.push({
      name: call.namespace ? `${call.namespace}__${call.name}` : call.name,
      input: call.arguments ?? {},
    });
  }
  calls.forEach((call, k) => {
    const input = JSON.stringify(call.input);
    outputChars += call.name.length + input.length;
    content.push({ type: "tool_use", id: `toolu_${n}_${k}`, name: call.name, input: call.input });
  });
  for (const block of content) if (block.type === "text") outputChars += String(block.text).length;

  // The script counts input like codex (cached tokens included); Anthropic counts cache reads apart.
  const u = action.usage ?? {};
  const inputTokens = u.inputTokens ?? approxTokens(ctx.request.allInputText.length);
  const cachedTokens = Math.min(u.cachedTokens ?? 0, inputTokens);
  const usage = {
    input_tokens: inputTokens - cachedTokens,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: cachedTokens,
    output_tokens: u.outputTokens ?? approxTokens(outputChars),
  };
  return { kind: "message", content, stopReason: calls.length > 0 ? "tool_use" : "end_turn", usage };
}

function messageShell(ctx: MessagesContext): Item {
  return {
    id: `msg_${ctx.requestNumber}`,
    type: "message",
    role: "assistant",
    model: ctx.request.model || "scripted-model",
    content: [],
    stop_reason: null,
    stop_sequence: null,
  };
}

/**
 * The server-sent events of one streamed answer (`stream: true`). A `fail` is an `error` event after
 * `message_start`, as the API sends when a stream breaks; Claude Code then retries without streaming,
 * which `messagesJson` answers. `http` and `hang` are handled by the server before this is called.
 */
export function messagesEvents(action: ScriptAction, ctx: MessagesContext): SseEvent[] {
  const answer = answerOf(action, ctx);
  const start = {
    ...messageShell(ctx),
    // As the API does: input counts in message_start, the output count arrives with message_delta.
    usage:
      answer.kind === "message"
        ? { ...answer.usage, output_tokens: 1 }
        : { input_tokens: 0, output_tokens: 0 },
  };
  const events: SseEvent[] = [{ type: "message_start", message: start }];
  if (answer.kind === "error") return [...events, { type: "error", error: answer.error }];
  answer.content.forEach((block, index) => {
    if (block.type === "text") {
      events.push({ type: "content_block_start", index, content_block: { type: "text", text: "" } });
      events.push({ type: "content_block_delta", index, delta: { type: "text_delta", text: block.text } });
    } else if (block.type === "thinking") {
      events.push({ type: "content_block_start", index, content_block: { type: "thinking", thinking: "" } });
      events.push({
        type: "content_block_delta",
        index,
        delta: { type: "thinking_delta", thinking: block.thinking },
      });
      events.push({
        type: "content_block_delta",
        index,
        delta: { type: "signature_delta", signature: block.signature },
      });
    } else {
      events.push({ type: "content_block_start", index, content_block: { ...block, input: {} } });
      events.push({
        type: "content_block_delta",
        index,
        delta: { type: "input_json_delta", partial_json: JSON.stringify(block.input) },
      });
    }
    events.push({ type: "content_block_stop", index });
  });
  events.push({
    type: "message_delta",
    delta: { stop_reason: answer.stopReason, stop_sequence: null },
    usage: { output_tokens: answer.usage.output_tokens },
  });
  events.push({ type: "message_stop" });
  return events;
}

/** The same answer without streaming (`stream: false`): an HTTP status and a JSON body. */
export function messagesJson(action: ScriptAction, ctx: MessagesContext): { status: number; body: unknown } {
  const answer = answerOf(action, ctx);
  if (answer.kind === "error") return { status: answer.status, body: { type: "error", error: answer.error } };
  return {
    status: 200,
    body: {
      ...messageShell(ctx),
      content: answer.content,
      stop_reason: answer.stopReason,
      usage: answer.usage,
    },
  };
}

/** The error body of a scripted `http` answer when the script gives none. */
export function messagesHttpError(status: number): unknown {
  const type = Object.entries(ERROR_STATUS).find(([, s]) => s === status)?.[0] ?? "api_error";
  return { type: "error", error: { type, message: `scripted HTTP ${status}` } };
}

/** Claude Code streams its turns but retries a broken stream with `stream: false`. */
export function isStreamRequest(body: unknown): boolean {
  return typeof body === "object" && body !== null && (body as Item).stream === true;
}
