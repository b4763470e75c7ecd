import type { Call } from "../parse/code-calls.ts";
import { tokenize } from "../parse/code-lexer.ts";
import { identifier } from "../render/text.ts";
import {
  type Ctx,
  entry,
  keepPrompt,
  lineAt,
  replaceCode,
  report,
  roleOf,
  statementOf,
  track,
} from "./context.ts";
import {
  collectText,
  FOREGROUND_TIMEOUT_MS,
  PARALLEL_TIMEOUT_MS,
  spawnText,
  timeoutBranch,
  waitText,
  wrapPrompt,
} from "./emit.ts";
import { freshName } from "./state.ts";

/** Task()/Agent() calls: one agent, a parallel group, or one per item of a .map(). */

export function parallelGroups(code: string, calls: Call[]): Call[][] {
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

/**
 * The spawn for one call and the id it binds: a background call keeps the variable the source bound
 * (its TaskOutput reads it later); a foreground one gets a fresh `<name>Agent` id.
 */
function spawnOf(ctx: Ctx, call: Call, decl: string, background: boolean) {
  const bound = call.binding?.kind === "value" ? call.binding.name : undefined;
  const idVar =
    background && bound
      ? bound
      : freshName(ctx.state, bound ? `${bound}Agent` : `${identifier(roleOf(ctx, call))}Agent`);
  return { bound, idVar, spawn: spawnFor(ctx, call, idVar, background && bound ? decl : "const ") };
}

export function convertTask(ctx: Ctx, call: Call): void {
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
  const { bound, idVar, spawn } = spawnOf(ctx, call, stmt.decl, background);
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
    if (stmt.returns) {
      const result = freshName(ctx.state, `${idVar}Result`);
      lines.push(
        `const ${result} = ${waitVar}.status[${idVar}]?.completed`,
        `close_agent({ target: ${idVar} })`,
        `return ${result}`,
      );
    }
  }
  if (background && stmt.returns) lines.push(`return ${idVar}`);
  const edit = replaceCode(ctx, stmt.start, stmt.end, stmt.indent, lines);
  if (background || !stmt.returns) track(ctx, idVar, spawn.role, edit, !background);
}

export function convertGroup(ctx: Ctx, group: Call[]): void {
  const background = entry(group[0]!, "run_in_background") === "true";
  const first = statementOf(ctx.block.code, group[0]!);
  const last = statementOf(ctx.block.code, group[group.length - 1]!);
  const lines = [
    `// ${group.length} agents in parallel: spawned together${background ? ", collected later" : ", collected with one batch wait"}`,
  ];
  const ids: Array<{ idVar: string; role: string; bound?: string; decl: string }> = [];
  for (const call of group) {
    const stmt = statementOf(ctx.block.code, call);
    const { bound, idVar, spawn } = spawnOf(ctx, call, stmt.decl, background);
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
  const edit = replaceCode(ctx, first.start, last.end, first.indent, lines);
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
  const edit = replaceCode(ctx, binding.start, end, indent, lines);
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
