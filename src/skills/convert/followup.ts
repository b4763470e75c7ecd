import type { Call } from "../parse/code-calls.ts";
import {
  type Ctx,
  entry,
  keepPrompt,
  lineAt,
  replaceCode,
  report,
  resolveTarget,
  statementOf,
  touch,
} from "./context.ts";
import { FOREGROUND_TIMEOUT_MS, timeoutBranch, waitText } from "./emit.ts";
import { freshName } from "./state.ts";

/** Calls on an agent that is already running: resume / SendMessage (→ send_input) and TaskOutput (→ wait_agent). */

export function convertResume(ctx: Ctx, call: Call): void {
  const stmt = statementOf(ctx.block.code, call);
  const rawTarget = entry(call, "resume") ?? entry(call, "to") ?? entry(call, "recipient");
  const message = entry(call, "prompt") ?? entry(call, "message") ?? entry(call, "content");
  const named = rawTarget !== undefined && /^["'`]/.test(rawTarget);
  if (!rawTarget || !message || !stmt.standalone || named) {
    report(
      ctx,
      call,
      named
        ? "SendMessage() to a coordinator or teammate"
        : call.name === "SendMessage"
          ? "SendMessage()"
          : "resume:",
      named
        ? "a message to a named teammate (Claude agent teams): a Codex sub-agent reports through its final message, and the orchestrator talks to an agent it spawned with send_input({ target: id })"
        : "send_input({ target: id, message }) then wait_agent",
    );
    return;
  }
  const target = resolveTarget(ctx, rawTarget);
  keepPrompt(ctx, call, message);
  const bound = call.binding?.kind === "value" ? call.binding.name : undefined;
  const base = /^[A-Za-z_$][\w$]*$/.test(target) ? target : "resumed";
  const waitVar = freshName(ctx.state, `${base}Reply`);
  const lines = [
    `send_input({ target: ${target}, message: ${message} })`,
    waitText(
      waitVar,
      `[${target}]`,
      FOREGROUND_TIMEOUT_MS,
      timeoutBranch(target, "follow-up", FOREGROUND_TIMEOUT_MS),
    ),
  ];
  if (bound) lines.push(`${stmt.decl}${bound} = ${waitVar}.status[${target}].completed`);
  ctx.state.waits.push({
    where: `${ctx.block.file}:${lineAt(ctx, call.start)}`,
    role: "follow-up",
    timeoutMs: FOREGROUND_TIMEOUT_MS,
  });
  const edit = replaceCode(ctx, stmt.start, stmt.end, stmt.indent, lines);
  touch(ctx, target, edit, true);
}

export function convertTaskOutput(ctx: Ctx, call: Call): void {
  const stmt = statementOf(ctx.block.code, call);
  const rawTarget = entry(call, "task_id") ?? entry(call, "id");
  if (!rawTarget || !stmt.standalone) {
    report(ctx, call, "TaskOutput()", "wait_agent({ targets: [id], timeout_ms }) with a timed_out check");
    return;
  }
  const target = resolveTarget(ctx, rawTarget);
  const timeoutRaw = entry(call, "timeout");
  const timeoutMs =
    entry(call, "block") === "false"
      ? 10_000
      : timeoutRaw && /^\d+$/.test(timeoutRaw)
        ? Math.min(Math.max(Number(timeoutRaw), 10_000), 3_600_000)
        : FOREGROUND_TIMEOUT_MS;
  const bound = call.binding?.kind === "value" ? call.binding.name : undefined;
  const base = /^[A-Za-z_$][\w$]*$/.test(target) ? target : "task";
  const waitVar = freshName(ctx.state, bound ? `${bound}Wait` : `${base}Wait`);
  const onTimeout =
    entry(call, "block") === "false"
      ? ["// not finished yet: do other work and wait again later"]
      : timeoutBranch(target, "background task", timeoutMs);
  const lines = [waitText(waitVar, `[${target}]`, timeoutMs, onTimeout)];
  if (bound) lines.push(`${stmt.decl}${bound} = ${waitVar}.status[${target}]?.completed`);
  ctx.state.waits.push({
    where: `${ctx.block.file}:${lineAt(ctx, call.start)}`,
    role: "background task",
    timeoutMs,
  });
  const edit = replaceCode(ctx, stmt.start, stmt.end, stmt.indent, lines);
  // A wait on an id no spawn of this file is bound to (`for (const x of ids) TaskOutput(x)`): the
  // background spawns are collected here, so they must stay open until this wait.
  if (!ctx.state.agents.has(target)) ctx.state.collectedElsewhere = true;
  touch(ctx, target, edit, true);
}
