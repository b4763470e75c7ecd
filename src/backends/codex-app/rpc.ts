import type { Readable, Writable } from "node:stream";
import { lineSplitter } from "../../util/lines.ts";

/** A request the server sent us; `respond` answers it (every one must be answered, or its turn stalls). */
export interface ServerRequest {
  method: string;
  params: unknown;
  respond(result: unknown): void;
  fail(code: number, message: string): void;
}

export interface RpcHandlers {
  notification(method: string, params: unknown): void;
  request(request: ServerRequest): void;
}

/** Raised for an `error` answer of the server; `code` is JSON-RPC's. */
export class RpcError extends Error {
  readonly method: string;
  readonly code: number;
  constructor(method: string, code: number, message: string) {
    super(`${method}: ${message}`);
    this.method = method;
    this.code = code;
  }
}

interface Pending {
  method: string;
  resolve(value: unknown): void;
  reject(error: Error): void;
  timer?: NodeJS.Timeout;
}

/**
 * JSON-RPC over stdio as `codex app-server` speaks it: one JSON object per line, no `jsonrpc` field.
 * Requests answered by nobody within `timeoutMs` fail; `closeAll` fails every pending one (server gone).
 */
export class RpcPeer {
  readonly #out: Writable;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #closed: Error | undefined;

  constructor(input: Readable, output: Writable, handlers: RpcHandlers) {
    this.#out = output;
    output.on("error", () => {}); // a dead server is reported by its exit, not by EPIPE
    const lines = lineSplitter((line) => this.#line(line, handlers));
    input.on("data", (chunk: Buffer) => lines.push(chunk));
    input.on("end", () => lines.end());
  }

  /** Sends a request; resolves with its result, rejects with an `RpcError`, a timeout or the server's end. */
  request<T>(method: string, params: unknown, timeoutMs: number): Promise<T> {
    if (this.#closed) return Promise.reject(this.#closed);
    const id = this.#nextId++;
    return new Promise<T>((resolve, reject) => {
      const pending: Pending = { method, resolve: resolve as (v: unknown) => void, reject };
      if (timeoutMs > 0) {
        pending.timer = setTimeout(() => {
          this.#pending.delete(id);
          reject(new RpcTimeout(method, timeoutMs));
        }, timeoutMs);
      }
      this.#pending.set(id, pending);
      this.#send({ id, method, params });
    });
  }

  notify(method: string, params?: unknown): void {
    if (!this.#closed) this.#send(params === undefined ? { method } : { method, params });
  }

  /** Fails every pending request with `error` and refuses new ones. */
  closeAll(error: Error): void {
    this.#closed ??= error;
    for (const [id, pending] of this.#pending) {
      clearTimeout(pending.timer);
      this.#pending.delete(id);
      pending.reject(error);
    }
  }

  #send(message: unknown): void {
    this.#out.write(`${JSON.stringify(message)}\n`);
  }

  #line(line: string, handlers: RpcHandlers): void {
    let message: Record<string, unknown>;
    try {
      const value: unknown = JSON.parse(line);
      if (typeof value !== "object" || value === null) return;
      message = value as Record<string, unknown>;
    } catch {
      return; // not protocol: the server logs to stderr, never here
    }
    const { id, method } = message;
    if (typeof method === "string" && (typeof id === "number" || typeof id === "string")) {
      handlers.request({
        method,
        params: message.params,
        respond: (result) => this.#send({ id, result }),
        fail: (code, text) => this.#send({ id, error: { code, message: text } }),
      });
    } else if (typeof method === "string") {
      handlers.notification(method, message.params);
    } else if (typeof id === "number") {
      const pending = this.#pending.get(id);
      if (!pending) return;
      this.#pending.delete(id);
      clearTimeout(pending.timer);
      const error = message.error as { code?: unknown; message?: unknown } | undefined;
      if (error)
        pending.reject(new RpcError(pending.method, Number(error.code ?? 0), String(error.message ?? "")));
      else pending.resolve(message.result);
    }
  }
}

/** A request the server did not answer in time: the server is treated as hung. */
export class RpcTimeout extends Error {
  readonly method: string;
  constructor(method: string, timeoutMs: number) {
    super(`${method} got no answer from codex app-server within ${timeoutMs} ms`);
    this.method = method;
  }
}
