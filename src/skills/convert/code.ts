import { isCall } from "../parse/claude-constructs.ts";
import { findCalls } from "../parse/code-calls.ts";
import { tokenize } from "../parse/code-lexer.ts";
import { type CodeBlockInput, type Ctx, entry, report } from "./context.ts";
import { convertResume, convertTaskOutput } from "./followup.ts";
import { convertAsk, convertStop, convertTodo } from "./plan-ask.ts";
import type { ConversionState, Edit } from "./state.ts";
import { convertGroup, convertTask, parallelGroups } from "./task.ts";

export type { CodeBlockInput } from "./context.ts";

const CLAUDE_CALLS = [
  "Task",
  "Agent",
  "TaskOutput",
  "SendMessage",
  "TaskStop",
  "TodoWrite",
  "AskUserQuestion",
];

/** Converts the Claude calls of one code block (object or keyword arguments); returns the edits. */
export function convertCodeBlock(block: CodeBlockInput, state: ConversionState, edits: Edit[] = []): Edit[] {
  // `edits` is kept by reference: agents closed later add their lines to it.
  const ctx: Ctx = { block, state, edits };
  for (const token of tokenize(block.code)) if (token.kind === "ident") state.usedNames.add(token.text);
  const calls = findCalls(block.code, CLAUDE_CALLS).filter((c) => isCall(c, block.code, block.lang));
  const spawns: typeof calls = [];
  const others: typeof calls = [];
  for (const call of calls) {
    if (call.entries === undefined) {
      report(
        ctx,
        call,
        `${call.name}()`,
        "write its arguments as { key: value } or key=value, then convert again",
      );
    } else if ((call.name === "Task" || call.name === "Agent") && entry(call, "resume") === undefined) {
      spawns.push(call);
    } else others.push(call);
  }
  // In source order, so a later TaskOutput / SendMessage / TaskStop finds the agent already tracked.
  const units = [...parallelGroups(block.code, spawns), ...others.map((c) => [c])].sort(
    (a, b) => a[0]!.start - b[0]!.start,
  );
  for (const unit of units) {
    const call = unit[0]!;
    if (unit.length > 1) convertGroup(ctx, unit);
    else if (call.name === "Task" || call.name === "Agent") {
      if (entry(call, "resume") === undefined) convertTask(ctx, call);
      else convertResume(ctx, call);
    } else if (call.name === "TodoWrite") convertTodo(ctx, call);
    else if (call.name === "AskUserQuestion") convertAsk(ctx, call);
    else if (call.name === "TaskOutput") convertTaskOutput(ctx, call);
    else if (call.name === "TaskStop") convertStop(ctx, call);
    else convertResume(ctx, call);
  }
  return ctx.edits;
}
