/** Every event line says this much at most on the page; the whole line stays in `events.jsonl`. */
const SHOWN_CHARS = 600;

function cut(text: string): string {
  return text.length > SHOWN_CHARS
    ? `${text.slice(0, SHOWN_CHARS)}… (${text.length - SHOWN_CHARS} more)`
    : text;
}

/**
 * One line of a worker's `events.jsonl` as a person reads it: `[turn 1] item.completed
 * command_execution: $ npm test (exit 0)`. Lines it does not know are shown as they are.
 */
export function describeEventLine(line: string): string {
  let e: Record<string, unknown>;
  try {
    e = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return cut(line);
  }
  const turn = typeof e.turn === "number" ? `[turn ${e.turn}] ` : "";
  const type = String(e.type ?? "?");
  const item = e.item as Record<string, unknown> | undefined;
  if (item && typeof item === "object") {
    const kind = String(item.type ?? "item");
    const what =
      kind === "command_execution"
        ? `$ ${String(item.command ?? "")}${typeof item.exit_code === "number" ? ` (exit ${item.exit_code})` : ""}`
        : kind === "agent_message" || kind === "reasoning"
          ? String(item.text ?? "")
          : kind === "file_change"
            ? JSON.stringify(item.changes ?? item)
            : JSON.stringify(item);
    return cut(`${turn}${type} ${kind}: ${what}`);
  }
  const { turn: _turn, type: _type, ...rest } = e;
  const detail = Object.keys(rest).length ? ` ${JSON.stringify(rest)}` : "";
  return cut(`${turn}${type}${detail}`);
}
