import type { Readable, Writable } from "node:stream";
import { StringDecoder } from "node:string_decoder";
import type { Transport } from "@modelcontextprotocol/sdk/shared/transport.js";
import { type JSONRPCMessage, JSONRPCMessageSchema } from "@modelcontextprotocol/sdk/types.js";

/**
 * Newline-delimited JSON-RPC on a pair of streams (stdio), hardened against what a client may send:
 * a line over `maxMessageBytes` is skipped without being held in memory and answered with an error
 * (the id, if its first bytes name one); a line that is not JSON gets -32700, one that is not a
 * JSON-RPC message -32600. None of them ends the session.
 */
export interface LineTransportOptions {
  /** Longest message accepted; default 10 MiB. */
  maxMessageBytes?: number;
  /** Diagnostics about rejected input. */
  log?: (line: string) => void;
}

export const DEFAULT_MAX_MESSAGE_BYTES = 10 * 1024 * 1024;
/** Bytes of an oversized line kept to find its id. */
const HEAD_BYTES = 4_096;
const TAIL_BYTES = 256;

export class LineTransport implements Transport {
  onclose?: () => void;
  onerror?: (error: Error) => void;
  onmessage?: (message: JSONRPCMessage) => void;

  readonly #input: Readable;
  readonly #output: Writable;
  readonly #max: number;
  readonly #log: (line: string) => void;
  // Text, not Buffers: a line's pieces are decoded as they come (V8 strings are collected and their memory
  // reused; copied Buffers would fragment the native heap over a long session). NL never occurs inside a
  // UTF-8 sequence, so a line always ends on a whole character.
  readonly #decoder = new StringDecoder("utf8");
  #parts: string[] = [];
  #length = 0;
  /** Set while skipping the rest of an oversized line. */
  #oversized: { head: Buffer; tail: Buffer; bytes: number } | undefined;
  #closed = false;

  constructor(input: Readable, output: Writable, options: LineTransportOptions = {}) {
    this.#input = input;
    this.#output = output;
    this.#max = options.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
    this.#log = options.log ?? (() => {});
  }

  async start(): Promise<void> {
    this.#input.on("data", this.#onData);
    this.#input.once("end", this.#onEnd);
    this.#input.on("error", this.#onError);
  }

  async send(message: JSONRPCMessage): Promise<void> {
    if (this.#closed || this.#output.destroyed) return;
    const line = `${JSON.stringify(message)}\n`;
    if (!this.#output.write(line)) await new Promise((resolve) => this.#output.once("drain", resolve));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#input.off("data", this.#onData);
    this.#input.off("end", this.#onEnd);
    this.#input.off("error", this.#onError);
    this.#parts = [];
    this.onclose?.();
  }

  readonly #onEnd = () => void this.close();
  readonly #onError = (error: Error) => this.onerror?.(error);

  readonly #onData = (chunk: Buffer | string) => {
    let data = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    for (let nl = data.indexOf(10); nl >= 0 && !this.#closed; nl = data.indexOf(10)) {
      this.#take(data.subarray(0, nl));
      this.#lineEnded();
      data = data.subarray(nl + 1);
    }
    if (data.length > 0 && !this.#closed) this.#take(data);
  };

  #take(piece: Buffer): void {
    if (this.#oversized) {
      this.#oversized.bytes += piece.length;
      this.#oversized.tail = lastBytes(Buffer.concat([this.#oversized.tail, lastBytes(piece)]));
      return;
    }
    if (this.#length + piece.length > this.#max) {
      const head = Buffer.from(this.#parts.join("") + this.#decoder.write(piece.subarray(0, HEAD_BYTES)));
      this.#decoder.end();
      this.#oversized = {
        head: head.subarray(0, HEAD_BYTES),
        tail: Buffer.from(lastBytes(piece)),
        bytes: this.#length + piece.length,
      };
      this.#parts = [];
      this.#length = 0;
      return;
    }
    this.#parts.push(this.#decoder.write(piece));
    this.#length += piece.length;
  }

  #lineEnded(): void {
    if (this.#oversized) {
      const { head, tail, bytes } = this.#oversized;
      this.#oversized = undefined;
      this.#log(`rejected a message of ${bytes} bytes (limit ${this.#max})`);
      this.#reply(
        sniffId(head.toString("utf8"), tail.toString("utf8")),
        -32600,
        `message of ${bytes} bytes is over this server's limit of ${this.#max} bytes; send smaller ` +
          "messages (put large text in a file and pass its path)",
      );
      return;
    }
    this.#parts.push(this.#decoder.end());
    const line = this.#parts.join("").replace(/\r$/, "");
    this.#parts = [];
    this.#length = 0;
    if (line.trim() === "") return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      this.#log(`rejected a line that is not JSON (${line.length} characters)`);
      this.#reply(null, -32700, `Parse error: ${(error as Error).message}`);
      return;
    }
    const parsed = JSONRPCMessageSchema.safeParse(value);
    if (!parsed.success) {
      const id = idOf(value);
      // A response we cannot read has nobody to answer to.
      if (isObject(value) && !("method" in value) && ("result" in value || "error" in value)) return;
      this.#reply(id, -32600, "Invalid Request: not a JSON-RPC 2.0 request, notification or response");
      return;
    }
    try {
      this.onmessage?.(parsed.data);
    } catch (error) {
      this.onerror?.(error as Error);
    }
  }

  #reply(id: string | number | null, code: number, message: string): void {
    void this.send({ jsonrpc: "2.0", id, error: { code, message } } as unknown as JSONRPCMessage);
  }
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

function idOf(value: unknown): string | number | null {
  if (!isObject(value)) return null;
  const id = value.id;
  return typeof id === "string" || (typeof id === "number" && Number.isFinite(id)) ? id : null;
}

const lastBytes = (buffer: Buffer) => buffer.subarray(Math.max(0, buffer.length - TAIL_BYTES));

const ID = String.raw`(-?\d{1,15}(?![\d.eE])|"(?:[^"\\]|\\.){0,200}")`;
/** A top-level id written first (after "jsonrpc"), or last — as the SDKs write it. */
const ID_FIRST = new RegExp(String.raw`^\s*\{(?:\s*"jsonrpc"\s*:\s*"2\.0"\s*,)?\s*"id"\s*:\s*${ID}`);
const ID_LAST = new RegExp(String.raw`,\s*"id"\s*:\s*${ID}\s*\}\s*$`);

/** The id of an oversized JSON-RPC message, from its first and last bytes; null when neither names it. */
function sniffId(head: string, tail: string): string | number | null {
  const match = ID_FIRST.exec(head) ?? ID_LAST.exec(tail.replace(/\r$/, ""));
  if (!match) return null;
  try {
    return JSON.parse(match[1]!) as string | number;
  } catch {
    return null;
  }
}
