import type { Call } from "../parse/code-calls.ts";
import { type Ctx, entry, lineAt, replaceCode, report, resolveTarget, statementOf } from "./context.ts";

/**
 * TodoWrite → `checklist(…)` (a checklist in the reply: codex offers `update_plan` only when
 * `[tools] update_plan` is enabled); AskUserQuestion → one ask-the-user step; TaskStop → close_agent.
 */

export function convertTodo(ctx: Ctx, call: Call): void {
  const todos = entry(call, "todos");
  const stmt = statementOf(ctx.block.code, call);
  if (todos === undefined || !stmt.standalone || call.binding) {
    report(ctx, call, "TodoWrite()", "keep the plan as a checklist in the reply");
    return;
  }
  ctx.state.usesChecklist = true;
  replaceCode(ctx, stmt.start, stmt.end, stmt.indent, [`checklist(${todos})`]);
}

export function convertAsk(ctx: Ctx, call: Call): void {
  const stmt = statementOf(ctx.block.code, call);
  if (!stmt.standalone || call.form === "other") {
    report(ctx, call, "AskUserQuestion()", "ask the user directly and wait for the answer");
    return;
  }
  const bound = call.binding?.kind === "value" ? call.binding.name : undefined;
  const head = bound ? `${stmt.decl}${bound} = ` : "";
  const args = ctx.block.code.slice(call.openParen + 1, call.end - 1);
  ctx.state.usesAsk = true;
  replaceCode(ctx, stmt.start, stmt.end, stmt.indent, [
    "// Ask the user: put these questions (with their options) in your reply, stop, and go on with the answer.",
    "// In Plan mode Codex offers request_user_input for the same questions.",
    `${head}askUser(${args})`,
  ]);
  if (/multiSelect\s*[:=]\s*true/.test(call.args)) {
    ctx.state.notes.push(
      `${ctx.block.file}:${lineAt(ctx, call.start)}: multiSelect questions become free-text answers (Codex has no multi-select)`,
    );
  }
}

export function convertStop(ctx: Ctx, call: Call): void {
  const stmt = statementOf(ctx.block.code, call);
  const raw = entry(call, "task_id") ?? entry(call, "id") ?? entry(call, "shell_id");
  if (!raw || !stmt.standalone || call.binding) {
    report(ctx, call, "TaskStop()", "close_agent({ target: id })");
    return;
  }
  const target = resolveTarget(ctx, raw);
  replaceCode(ctx, stmt.start, stmt.end, stmt.indent, [`close_agent({ target: ${target} })`]);
  ctx.state.agents.delete(target);
}
