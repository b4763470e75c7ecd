import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { BatonError } from "../errors.ts";
import { readBody, sendJson } from "./http.ts";
import {
  isStreamRequest,
  messagesEvents,
  messagesHttpError,
  messagesJson,
  parseMessagesRequest,
} from "./messages-api.ts";
import { actionEvents, formatSse, parseRequest } from "./responses-api.ts";
import { createRuleChooser } from "./rules.ts";
import { type ActionKind, actionKind, type ModelScript, type ScriptAction } from "./script.ts";

export interface RecordedRequest {
  /** Epoch milliseconds when the request body had arrived. */
  at: number;
  path: string;
  /** Index of the rule that answered, or "default". */
  rule: number | "default";
  /** Rounds of tool results after the last user message (the step of a multi-step rule). */
  step: number;
  /** The kind of answer given (reply, shell, fail, http, hang, …). */
  action: ActionKind;
  lastUserText: string;
  model: string;
  toolNames: string[];
  /** HTTP status sent: 200 for streams (also for `fail`), the scripted status for `http`, 0 for `hang`. */
  status: number;
  /** Set when the answer is likely a script mistake, e.g. a toolCall of a tool codex did not offer. */
  warning?: string;
  body: unknown;
}

export interface ModelServer {
  /** Base URL for codex's `model_providers.<id>.base_url`, e.g. "http://127.0.0.1:PORT/v1". */
  url: string;
  /** Base URL for Claude Code's `ANTHROPIC_BASE_URL`, e.g. "http://127.0.0.1:PORT" (it appends /v1/messages). */
  origin: string;
  port: number;
  requests: RecordedRequest[];
  close(): Promise<void>;
  /** Settles once the server has stopped: "closed" after close(), "idle" after the idle timeout. */
  closed: Promise<"closed" | "idle">;
}

export interface ModelServerOptions {
  script: ModelScript;
  /** 0 (default) picks a free port. */
  port?: number;
  host?: "127.0.0.1";
  /** Stops the server when no request arrived or was open for this long; default 10 minutes, 0 = never. */
  idleTimeoutMs?: number;
  onRequest?: (request: RecordedRequest) => void;
}

const DEFAULT_IDLE_TIMEOUT_MS = 10 * 60_000;

/**
 * Serves the OpenAI Responses API on 127.0.0.1 from a script of rules, so real codex runs offline.
 * @example
 * const server = await startModelServer({ script: parseModelScript({ rules: [{ match: "hi", reply: "hello" }] }) });
 * // codex -c model_providers.local.base_url="${server.url}" …
 * await server.close();
 */
export async function startModelServer(options: ModelServerOptions): Promise<ModelServer> {
  const host = options.host ?? "127.0.0.1";
  if (host !== "127.0.0.1")
    throw new BatonError("E_USAGE", `model server host must be 127.0.0.1, got ${host}`);
  const choose = createRuleChooser(options.script);
  const requests: RecordedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let requestNumber = 0;
  let open = 0;
  let stopping = false;
  let idleTimer: NodeJS.Timeout | undefined;
  const idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;

  let resolveClosed!: (reason: "closed" | "idle") => void;
  const closed = new Promise<"closed" | "idle">((resolve) => {
    resolveClosed = resolve;
  });

  const armIdle = (): void => {
    if (idleTimer) clearTimeout(idleTimer);
    idleTimer = undefined;
    if (stopping || open > 0 || idleTimeoutMs <= 0) return;
    idleTimer = setTimeout(() => void stop("idle"), idleTimeoutMs);
    idleTimer.unref();
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? "/").split("?")[0]!;
    // Claude Code may probe the endpoint with `HEAD /` before its first request.
    if (req.method === "HEAD" && path === "/") return void res.writeHead(200).end();
    const api = /^(\/v1)?\/messages\/?$/.test(path)
      ? "messages"
      : /^(\/v1)?\/responses\/?$/.test(path)
        ? "responses"
        : undefined;
    if (!api) {
      return sendJson(res, 404, {
        error: {
          type: "not_found",
          message: `no route ${req.method} ${path}; POST /v1/responses or /v1/messages`,
        },
      });
    }
    if (req.method !== "POST") {
      return sendJson(res, 405, { error: { type: "method_not_allowed", message: `use POST ${path}` } });
    }
    let body: unknown;
    try {
      body = JSON.parse((await readBody(req)).toString("utf8"));
    } catch (error) {
      return sendJson(res, 400, {
        error: { type: "invalid_request_error", message: `bad request body: ${(error as Error).message}` },
      });
    }

    const number = ++requestNumber;
    const parsed = api === "messages" ? parseMessagesRequest(body) : parseRequest(body);
    const choice = choose(parsed);
    const { action } = choice;
    const kind = actionKind(action);
    // Claude Code retries a broken stream without streaming: that request gets one JSON answer.
    const jsonAnswer =
      api === "messages" && !isStreamRequest(body) && kind !== "http" && kind !== "hang"
        ? messagesJson(action, { requestNumber: number, request: parsed })
        : undefined;
    const record: RecordedRequest = {
      at: Date.now(),
      path,
      rule: choice.rule,
      step: choice.step,
      action: kind,
      lastUserText: parsed.lastUserText,
      model: parsed.model,
      toolNames: parsed.toolNames,
      status: kind === "http" ? action.http!.status : kind === "hang" ? 0 : (jsonAnswer?.status ?? 200),
      ...unofferedToolWarning(action, parsed.toolNames),
      body,
    };
    requests.push(record);
    try {
      options.onRequest?.(record);
    } catch {
      // A faulty observer must not break the answer codex is waiting for.
    }

    if (action.delayMs) {
      const stillWanted = await delay(action.delayMs, res);
      if (!stillWanted) return;
    }
    if (kind === "hang") return; // Never answer; close() or the client ends the socket.
    if (kind === "http") {
      const { status, retryAfterSeconds, body: errorBody } = action.http!;
      const headers: Record<string, string> = {};
      if (retryAfterSeconds !== undefined) headers["retry-after"] = String(retryAfterSeconds);
      const payload =
        errorBody ??
        (api === "messages"
          ? messagesHttpError(status)
          : { error: { type: "scripted_error", code: String(status), message: `scripted HTTP ${status}` } });
      if (typeof payload === "string") {
        res.writeHead(status, { ...headers, "content-type": "text/plain; charset=utf-8" }).end(payload);
      } else sendJson(res, status, payload, headers);
      return;
    }
    if (jsonAnswer) return sendJson(res, jsonAnswer.status, jsonAnswer.body);
    const ctx = { requestNumber: number, request: parsed };
    const events = api === "messages" ? messagesEvents(action, ctx) : actionEvents(action, ctx);
    res.writeHead(200, {
      "content-type": "text/event-stream",
      "cache-control": "no-cache",
      connection: "keep-alive",
    });
    for (const event of events) res.write(formatSse(event));
    res.end();
  };

  const delay = (ms: number, res: ServerResponse): Promise<boolean> =>
    new Promise((resolve) => {
      const timer = setTimeout(() => {
        timers.delete(timer);
        res.off("close", gone);
        resolve(!stopping && !res.destroyed);
      }, ms);
      const gone = (): void => {
        clearTimeout(timer);
        timers.delete(timer);
        resolve(false);
      };
      timers.add(timer);
      res.once("close", gone);
    });

  const server = createServer((req, res) => {
    open++;
    armIdle();
    res.once("close", () => {
      open--;
      armIdle();
    });
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: { type: "server_error", message: String(error) } });
      else res.destroy();
    });
  });

  const stop = (reason: "closed" | "idle"): Promise<void> => {
    if (!stopping) {
      stopping = true;
      if (idleTimer) clearTimeout(idleTimer);
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.close(() => resolveClosed(reason));
      // Hanging and keep-alive sockets would hold close() open forever.
      server.closeAllConnections();
    }
    return closed.then(() => undefined);
  };

  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        new BatonError(
          "E_USAGE",
          `model server cannot listen on ${host}:${options.port ?? 0}: ${error.message}`,
          {
            cause: error,
          },
        ),
      ),
    );
    server.listen(options.port ?? 0, host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  armIdle();

  return {
    url: `http://${host}:${port}/v1`,
    origin: `http://${host}:${port}`,
    port,
    requests,
    close: () => stop("closed"),
    closed,
  };
}

/**
 * Codex answers a call of a tool it did not offer with an error only the model sees, and emits no
 * event at all, so a misspelt tool name in a script is easy to miss without this hint.
 */
function unofferedToolWarning(action: ScriptAction, toolNames: string[]): { warning?: string } {
  if (!action.toolCall || toolNames.length === 0) return {};
  const missing = [action.toolCall]
    .flat()
    // "namespace/name" is how codex tools are listed; Claude Code flattens to "mcp__server__tool".
    .filter(
      (c) =>
        !(c.namespace ? [`${c.namespace}/${c.name}`, `${c.namespace}__${c.name}`] : [c.name]).some((n) =>
          toolNames.includes(n),
        ),
    )
    .map((c) => (c.namespace ? `${c.namespace}/${c.name}` : c.name));
  if (missing.length === 0) return {};
  return {
    warning: `toolCall ${missing.join(", ")} is not among the tools offered (${toolNames.join(", ")}); MCP tools of codex need namespace "mcp__<server>"`,
  };
}
