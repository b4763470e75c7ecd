import type { WorkerEvent } from "./types.ts";

/**
 * One stdout line of a JSON-lines worker: a blank line gives nothing, text that is not JSON is kept
 * as an `unknown` event (never fatal), and a JSON value goes to `toEvents`.
 */
export function jsonLine(text: string, toEvents: (value: unknown) => WorkerEvent[]): WorkerEvent[] {
  const trimmed = text.trim();
  if (trimmed === "") return [];
  let value: unknown;
  try {
    value = JSON.parse(trimmed);
  } catch {
    return [{ type: "unknown", raw: trimmed }];
  }
  return toEvents(value);
}
