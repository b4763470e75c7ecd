import { type Call, findCalls, lineOf } from "./code-calls.ts";
import { stringValue, tokenize } from "./code-lexer.ts";
import { preserved } from "./conversion-manifest.ts";
import {
  collectText,
  FOREGROUND_TIMEOUT_MS,
  indentLines,
  PARALLEL_TIMEOUT_MS,
  spawnText,
  timeoutBranch,
  waitText,
  wrapPrompt,
} from "./convert-emit.ts";
import { convertCodeText } from "./convert-prose.ts";
import { type ConversionState, type Edit, freshName } from "./convert-state.ts";
import { slugify } from "./names.ts";
import { identifier } from "./render-text.ts";

export interface CodeBlockInput {
  file: string;
  index: number;
  code: string;
  startLine: number;
}

const CLAUDE_CALLS = ["Task", "Agent", "TaskOutput", "SendMessage", "TodoWrite", "AskUserQuestion"];

/** Claude's built-in subagent types and the Codex built-in agent types that do the same job. */
const BUILTIN_TYPES: Record<string, string> = {
  "general-purpose": "worker",
  Explore: "explorer",
  explore: "explorer",
};

interface Ctx {
  block: CodeBlockInput;
  state: ConversionState;
  edits: Edit[];
}

const entry = (call: Call, key: string) => call.entries?.find((e) => e.key === key)?.value.trim();
const lineAt = (ctx: Ctx, offset: number) => ctx.block.startLine + lineOf(ctx.block.code, offset) - 1;

function report(ctx: Ctx, call: Call, construct: string, hint: string): void {
  const line = lineAt(ctx, call.start);
  const text = ctx.block.code.slice(call.start, call.end).split("\n")[0]!.slice(0, 160);
  ctx.state.unconverted.push({ file: ctx.block.file, line, construct, text, hint });
}

/** Start of the statement a call begins (its binding, if any) and whether it stands alone. */
function statementOf(
  code: string,
  call: Call,
): { start: number; end: number; standalone: boolean; decl: string; indent: string } {
  const start = call.binding && call.binding.kind === "value" ? call.binding.start : call.start;
  const lineStart = code.lastIndexOf("\n", start - 1) + 1;
  const lead = code.slice(lineStart, start);
  const standalone = /^\s*$/.test(lead) || /[;{}]\s*$/.test(lead);
  const end = call.end + (code[call.end] === ";" ? 1 : 0);
  const head = call.binding?.kind === "value" ? code.slice(start, call.start) : "";
  const decl = head.match(/^(const|let|var)\s+/)?.[0] ?? "";
  return { start, end, standalone, decl, indent: lead.match(/^\s*/)?.[0] ?? "" };
}

/** Role name for a Task call; records the description for the role file. */
function roleOf(ctx: Ctx, call: Call): string {
  const raw = entry(call, "subagent_type");
  const type =
    raw && /^["'`][^"'`$]*["'`]$/.test(raw)
      ? stringValue(raw)
      : raw === undefined
        ? "general-purpose"
        : undefined;
  if (type === undefined) {
    report(ctx, call, "subagent_type expression", "use a literal agent_type naming one Codex custom agent");
    return "worker";
  }
  const role = BUILTIN_TYPES[type] ?? slugify(type, "agent");
  const known = ctx.state.roles.get(role) ?? { claudeType: type, descriptions: [] };
  const description = entry(call, "description");
  if (description && /^["']/.test(description)) known.descriptions.push(stringValue(description));
  ctx.state.roles.set(role, known);
  return role;
}

function resolveTarget(ctx: Ctx, expr: string): string {
  return ctx.state.aliases.get(expr) ?? expr;
}

function track(ctx: Ctx, idVar: string, role: string, edit: Edit, waited: boolean, isArray = false): void {
  ctx.state.agents.set(idVar, {
    idVar,
    role,
    lastUse: { block: ctx.block.index, edit },
    isArray,
    waited,
  });
}

function touch(ctx: Ctx, idVar: string, edit: Edit, waited: boolean): void {
  const agent = ctx.state.agents.get(idVar);
  if (agent) {
    agent.lastUse = { block: ctx.block.index, edit };
    agent.waited = agent.waited || waited;
  } else if (/^[A-Za-z_$][\w$]*$/.test(idVar)) {
    track(ctx, idVar, "worker", edit, waited);
  }
}

function keepPrompt(ctx: Ctx, call: Call, prompt: string): void {
  // The prompt is kept verbatim except for $ARGUMENTS, which every code block gets rewritten.
  const expected = convertCodeText(prompt, "javascript", { ...ctx.state });
  ctx.state.preserved.push(preserved("prompt", ctx.block.file, lineAt(ctx, call.start), expected));
}

/** Converts the Claude calls of one code block; returns the edits to apply to it. */
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
function parallelGroups(code: string, calls: Call[]): Call[][] {
  const groups: Call[][] = [];
  let previous: { call: Call; end: number } | undefined;
  for (const call of calls) {
    const stmt = statementOf(code, call);
    const background = entry(call, "run_in_background") === "true";
    const gap = previous
      ? code.slice(previous.end, stmt.start).replace(/\/\/[^\n]*|\/\*[\s\S]*?\*\//g, "")
      : "x";
    const last = groups[groups.length - 1];
    const sameKind = last && (entry(last[0]!, "run_in_background") === "true") === background;
    if (
      previous &&
      /^\s*$/.test(gap) &&
      stmt.standalone &&
      call.binding?.kind !== "map" &&
      sameKind &&
      last[0]!.binding?.kind !== "map"
    ) {
      last.push(call);
    } else {
      groups.push([call]);
    }
    previous = { call, end: stmt.end };
  }
  return groups;
}

function spawnFor(
  ctx: Ctx,
  call: Call,
  idVar: string,
  decl: string,
): { text: string; role: string } | undefined {
  const role = roleOf(ctx, call);
  const prompt = entry(call, "prompt");
  if (prompt === undefined) {
    report(ctx, call, "Task() without prompt", "give the spawn a message");
    return undefined;
  }
  keepPrompt(ctx, call, prompt);
  for (const key of ["model", "isolation"]) {
    if (entry(call, key) !== undefined)
      ctx.state.notes.push(
        `${ctx.block.file}:${lineAt(ctx, call.start)}: Task ${key} dropped (no per-spawn equivalent kept)`,
      );
  }
  return { role, text: spawnText(decl, idVar, role, wrapPrompt(role, entry(call, "description"), prompt)) };
}

function convertTask(ctx: Ctx, call: Call): void {
  const stmt = statementOf(ctx.block.code, call);
  const background = entry(call, "run_in_background") === "true";
  if (call.binding?.kind === "map") {
    convertMapTask(ctx, call, background);
    return;
  }
  if (!stmt.standalone) {
    report(
      ctx,
      call,
      "Task() inside an expression",
      "split it into spawn_agent, wait_agent and close_agent statements",
    );
    return;
  }
  const bound = call.binding?.kind === "value" ? call.binding.name : undefined;
  const idVar =
    background && bound
      ? bound
      : freshName(ctx.state, bound ? `${bound}Agent` : `${identifier(roleOf(ctx, call))}Agent`);
  const spawn = spawnFor(ctx, call, idVar, background && bound ? stmt.decl : "const ");
  if (!spawn) return;
  const lines = [spawn.text];
  if (bound && !background) {
    for (const suffix of ["agentId", "agent_id", "id", "taskId", "task_id"])
      ctx.state.aliases.set(`${bound}.${suffix}`, idVar);
    ctx.state.aliases.set(bound, idVar);
  }
  if (!background) {
    const waitVar = freshName(ctx.state, `${idVar}Wait`);
    lines.push(
      waitText(
        waitVar,
        `[${idVar}]`,
        FOREGROUND_TIMEOUT_MS,
        timeoutBranch(idVar, spawn.role, FOREGROUND_TIMEOUT_MS),
      ),
    );
    ctx.state.waits.push({
      where: `${ctx.block.file}:${lineAt(ctx, call.start)}`,
      role: spawn.role,
      timeoutMs: FOREGROUND_TIMEOUT_MS,
    });
    if (bound) lines.push(`${stmt.decl}${bound} = ${waitVar}.status[${idVar}].completed`);
  }
  const edit = {
    start: stmt.start,
    end: stmt.end,
    text: indentLines(lines.join("\n"), stmt.indent),
    indent: stmt.indent,
  };
  ctx.edits.push(edit);
  track(ctx, idVar, spawn.role, edit, !background);
}

function convertGroup(ctx: Ctx, group: Call[]): void {
  const background = entry(group[0]!, "run_in_background") === "true";
  const first = statementOf(ctx.block.code, group[0]!);
  const last = statementOf(ctx.block.code, group[group.length - 1]!);
  const lines = [
    `// ${group.length} agents in parallel: spawned together${background ? ", collected later" : ", collected with one batch wait"}`,
  ];
  const ids: Array<{ idVar: string; role: string; bound?: string; decl: string }> = [];
  for (const call of group) {
    const stmt = statementOf(ctx.block.code, call);
    const bound = call.binding?.kind === "value" ? call.binding.name : undefined;
    const idVar =
      background && bound
        ? bound
        : freshName(ctx.state, bound ? `${bound}Agent` : `${identifier(roleOf(ctx, call))}Agent`);
    const spawn = spawnFor(ctx, call, idVar, background && bound ? stmt.decl : "const ");
    if (!spawn) return;
    lines.push(spawn.text);
    ids.push({ idVar, role: spawn.role, decl: stmt.decl, ...(bound ? { bound } : {}) });
  }
  if (!background) {
    const group = freshName(ctx.state, "parallel");
    lines.push(
      `const ${group} = [${ids.map((i) => i.idVar).join(", ")}]`,
      collectText(group, group, PARALLEL_TIMEOUT_MS),
    );
    ctx.state.waits.push({
      where: `${ctx.block.file}:${lineAt(ctx, first.start)}`,
      role: ids.map((i) => i.role).join(", "),
      timeoutMs: PARALLEL_TIMEOUT_MS,
    });
    for (const id of ids) {
      if (id.bound) {
        lines.push(`${id.decl}${id.bound} = ${group}Results[${id.idVar}]?.completed`);
        ctx.state.aliases.set(id.bound, id.idVar);
        for (const suffix of ["agentId", "agent_id", "id"])
          ctx.state.aliases.set(`${id.bound}.${suffix}`, id.idVar);
      }
    }
  }
  const edit = {
    start: first.start,
    end: last.end,
    text: indentLines(lines.join("\n"), first.indent),
    indent: first.indent,
  };
  ctx.edits.push(edit);
  for (const id of ids) track(ctx, id.idVar, id.role, edit, !background);
}

function convertMapTask(ctx: Ctx, call: Call, background: boolean): void {
  const binding = call.binding!;
  const spawn = spawnFor(ctx, call, "", "");
  if (!spawn) return;
  const expression = spawn.text.replace(/^ = /, "");
  const code = ctx.block.code;
  const idsVar = background ? binding.name : freshName(ctx.state, `${binding.name}Agents`);
  // The statement ends at the line that closes the .map( call.
  const mapClose = closingParenAfter(code, call.end);
  const lineEnd = code.indexOf("\n", mapClose);
  const end = lineEnd === -1 ? code.length : lineEnd;
  const head = code.slice(binding.start, call.start).replace(new RegExp(`\\b${binding.name}\\b`), idsVar);
  const lines = [head + expression + code.slice(call.end, end)];
  if (!background) {
    const group = freshName(ctx.state, "parallel");
    lines.push(
      collectText(group, idsVar, PARALLEL_TIMEOUT_MS),
      `const ${binding.name} = ${idsVar}.map((id) => ${group}Results[id]?.completed)`,
    );
    ctx.state.waits.push({
      where: `${ctx.block.file}:${lineAt(ctx, call.start)}`,
      role: spawn.role,
      timeoutMs: PARALLEL_TIMEOUT_MS,
    });
  }
  const indent =
    code.slice(code.lastIndexOf("\n", binding.start - 1) + 1, binding.start).match(/^\s*/)?.[0] ?? "";
  const edit = { start: binding.start, end, text: indentLines(lines.join("\n"), indent), indent };
  ctx.edits.push(edit);
  track(ctx, idsVar, spawn.role, edit, !background, true);
}

function closingParenAfter(code: string, from: number): number {
  let depth = 0;
  for (const token of tokenize(code.slice(from))) {
    if (token.kind !== "punct") continue;
    if ("([{".includes(token.text)) depth++;
    else if (")]}".includes(token.text)) {
      if (depth === 0) return from + token.end;
      depth--;
    }
  }
  return code.length;
}

function convertResume(ctx: Ctx, call: Call): void {
  const stmt = statementOf(ctx.block.code, call);
  const rawTarget = entry(call, "resume") ?? entry(call, "to");
  const message = entry(call, "prompt") ?? entry(call, "message") ?? entry(call, "content");
  if (!rawTarget || !message || !stmt.standalone) {
    report(
      ctx,
      call,
      call.name === "SendMessage" ? "SendMessage()" : "resume:",
      "send_input({ target: id, message }) then wait_agent",
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
  const edit = {
    start: stmt.start,
    end: stmt.end,
    text: indentLines(lines.join("\n"), stmt.indent),
    indent: stmt.indent,
  };
  ctx.edits.push(edit);
  touch(ctx, target, edit, true);
}

function convertTaskOutput(ctx: Ctx, call: Call): void {
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
  const edit = {
    start: stmt.start,
    end: stmt.end,
    text: indentLines(lines.join("\n"), stmt.indent),
    indent: stmt.indent,
  };
  ctx.edits.push(edit);
  touch(ctx, target, edit, true);
}

function convertTodo(ctx: Ctx, call: Call): void {
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

function convertAsk(ctx: Ctx, call: Call): void {
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
