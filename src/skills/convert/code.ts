import { findCalls } from "../parse/code-calls.ts";
import { tokenize } from "../parse/code-lexer.ts";
import { type CodeBlockInput, type Ctx, entry } from "./context.ts";
import { convertResume, convertTaskOutput } from "./followup.ts";
import { convertAsk, convertTodo } from "./plan-ask.ts";
import type { ConversionState, Edit } from "./state.ts";
import { convertGroup, convertTask, parallelGroups } from "./task.ts";

export type { CodeBlockInput } from "./context.ts";

const CLAUDE_CALLS = ["Task", "Agent", "TaskOutput", "SendMessage", "TodoWrite", "AskUserQuestion"];

export function convertCodeBlock(block: CodeBlockInput, state: ConversionState): Edit[] {
  const ctx: Ctx = { block, state, edits: [] };
  for (const token of tokenize(block.code)) if (token.kind === "ident") state.usedNames.add(token.text);
  const calls = findCalls(block.code, CLAUDE_CALLS).filter((c) => c.entries !== undefined && !c.member);
  const taskCalls = calls.filter(
    (c) => (c.name === "Task" || c.name === "Agent") && entry(c, "resume") === undefined,
  );
  const groups = parallelGroups(block.code, taskCalls);
  for (const call of calls) {
    if (call.name === "TodoWrite") convertTodo(ctx, call);
    else if (call.name === "AskUserQuestion") convertAsk(ctx, call);
    else if (call.name === "TaskOutput") convertTaskOutput(ctx, call);
    else if (call.name === "SendMessage" || entry(call, "resume") !== undefined) convertResume(ctx, call);
  }
  for (const group of groups) {
    if (group.length > 1) convertGroup(ctx, group);
    else convertTask(ctx, group[0]!);
  }
  return ctx.edits;
}

/** Task statements separated only by blanks or comments run in parallel (one Claude message). */
