import type { IncomingMessage, ServerResponse } from "node:http";

/** One server-sent events response. */
export interface SseStream {
  send(event: string, data: string): void;
  end(): void;
  readonly closed: boolean;
}

/** Keeps proxies and the browser from giving up on a quiet stream. */
const KEEPALIVE_MS = 15_000;

/**
 * Opens a server-sent events response; `poll` runs every `pollMs` until it returns false or the
 * client goes away, and everything stops with the response (no timer outlives it).
 */
export function openSse(
  req: IncomingMessage,
  res: ServerResponse,
  headers: Record<string, string>,
  pollMs: number,
  poll: (sse: SseStream) => boolean,
): SseStream {
  res.writeHead(200, {
    ...headers,
    "Content-Type": "text/event-stream; charset=utf-8",
    "Cache-Control": "no-store",
    Connection: "keep-alive",
  });
  let closed = false;
  let lastWriteMs = Date.now();
  const write = (text: string) => {
    if (closed) return;
    res.write(text);
    lastWriteMs = Date.now();
  };
  const sse: SseStream = {
    send(event, data) {
      write(
        `event: ${event}\n${data
          .split("\n")
          .map((line) => `data: ${line}`)
          .join("\n")}\n\n`,
      );
    },
    end() {
      stop();
      res.end();
    },
    get closed() {
      return closed;
    },
  };
  const timer = setInterval(() => {
    if (closed) return;
    if (!poll(sse)) sse.end();
    else if (Date.now() - lastWriteMs >= KEEPALIVE_MS) write(": keep-alive\n\n");
  }, pollMs);
  const stop = () => {
    closed = true;
    clearInterval(timer);
  };
  req.on("close", stop);
  res.on("close", stop);
  // The first picture goes out at once, not one interval later.
  queueMicrotask(() => {
    if (!closed && !poll(sse)) sse.end();
  });
  return sse;
}
