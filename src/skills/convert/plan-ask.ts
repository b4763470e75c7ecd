import type { Call } from "../parse/code-calls.ts";
import { type Ctx, entry, lineAt, report } from "./context.ts";

/** TodoWrite → update_plan, AskUserQuestion → request_user_input / asking directly. */

export function convertTodo(ctx: Ctx, call: Call): void {
  const todos = entry(call, "todos");
  if (todos === undefined) {
    report(ctx, call, "TodoWrite", "update_plan({ plan: [{ step, status }] })");
    return;
  }
  const plan = todos.startsWith("[")
    ? todos
        .replace(/\bcontent\s*:/g, "step:")
        .replace(/,\s*activeForm\s*:\s*("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`|[\w$.]+)/g, "")
    : `${todos}.map((t) => ({ step: t.content, status: t.status }))`;
  ctx.edits.push({ start: call.start, end: call.end, text: `update_plan({ plan: ${plan} })` });
}

export function convertAsk(ctx: Ctx, call: Call): void {
  const code = ctx.block.code;
  const lineStart = code.lastIndexOf("\n", (call.binding?.start ?? call.start) - 1) + 1;
  const indent = code.slice(lineStart).match(/^\s*/)?.[0] ?? "";
  ctx.edits.push({
    start: lineStart,
    end: lineStart,
    text: `${indent}// Ask the user directly: request_user_input in Plan mode; otherwise put these questions in your reply and wait for the answer.\n`,
  });
  ctx.edits.push({ start: call.start, end: call.start + call.name.length, text: "request_user_input" });
  if (/multiSelect\s*:\s*true/.test(call.args)) {
    ctx.state.notes.push(
      `${ctx.block.file}:${lineAt(ctx, call.start)}: multiSelect questions become free-text answers (Codex has no multi-select)`,
    );
  }
}
