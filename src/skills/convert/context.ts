import { type Call, lineOf } from "../parse/code-calls.ts";
import { stringValue, tokenize } from "../parse/code-lexer.ts";
import { preserved } from "../validate/conversion-manifest.ts";
import { indentLines } from "./emit.ts";
import { convertCodeText } from "./prose.ts";
import { registerRole } from "./roles.ts";
import type { ConversionState, Edit } from "./state.ts";

/** Shared helpers of the call converters: where a call is, what it binds, which agents are open. */

export interface CodeBlockInput {
  file: string;
  index: number;
  code: string;
  startLine: number;
  lang: string;
}

export interface Ctx {
  block: CodeBlockInput;
  state: ConversionState;
  edits: Edit[];
}

/** `if (cond) Task(…)` / `else Task(…)`: a statement guarded without braces. */
const GUARD = /(?:^|[;{}])\s*(?:if\s*\(.*\)|else(?:\s+if\s*\(.*\))?)\s*$/;

/**
 * Replaces the code from `start` to `end` by `lines`, indented like the statement it replaces; a
 * statement guarded by `if (…)` without braces gets them, so every line stays under the guard.
 */
export function replaceCode(ctx: Ctx, start: number, end: number, indent: string, lines: string[]): Edit {
  const lineStart = ctx.block.code.lastIndexOf("\n", start - 1) + 1;
  const guarded = lines.length > 1 && GUARD.test(ctx.block.code.slice(lineStart, start));
  const body = guarded ? ["{", ...lines.flatMap((l) => l.split("\n")).map((l) => `  ${l}`), "}"] : lines;
  const edit = { start, end, text: indentLines(body.join("\n"), indent), indent };
  ctx.edits.push(edit);
  return edit;
}

export const entry = (call: Call, key: string) => call.entries?.find((e) => e.key === key)?.value.trim();
export const lineAt = (ctx: Ctx, offset: number) => ctx.block.startLine + lineOf(ctx.block.code, offset) - 1;

export function report(ctx: Ctx, call: Call, construct: string, hint: string): void {
  const line = lineAt(ctx, call.start);
  const text = ctx.block.code.slice(call.start, call.end).split("\n")[0]!.slice(0, 160);
  ctx.state.unconverted.push({ file: ctx.block.file, line, construct, text, hint });
}

/** Start of the statement a call begins (its binding, if any) and whether it stands alone. */
export function statementOf(
  code: string,
  call: Call,
): { start: number; end: number; standalone: boolean; decl: string; indent: string; returns: boolean } {
  let start = call.binding && call.binding.kind === "value" ? call.binding.start : call.start;
  let lineStart = code.lastIndexOf("\n", start - 1) + 1;
  let lead = code.slice(lineStart, start);
  // `return Task({…})`: the statement is the return; its value becomes the agent's result.
  const returned = call.binding ? null : lead.match(/(?:^|[;{}])\s*(return\s+(?:await\s+)?)$/);
  if (returned?.[1]) {
    start -= returned[1].length;
    lineStart = code.lastIndexOf("\n", start - 1) + 1;
    lead = code.slice(lineStart, start);
  }
  const returns = Boolean(returned);
  const standalone = /^\s*$/.test(lead) || /[;{}]\s*$/.test(lead) || GUARD.test(lead);
  const end = call.end + (code[call.end] === ";" ? 1 : 0);
  const head = call.binding?.kind === "value" ? code.slice(start, call.start) : "";
  const decl = head.match(/^(const|let|var)\s+/)?.[0] ?? "";
  return { start, end, standalone, decl, indent: lead.match(/^\s*/)?.[0] ?? "", returns };
}

/** Role name for a Task call; records the description for the role file. */
export function roleOf(ctx: Ctx, call: Call): string {
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
  const description = entry(call, "description");
  const text = description && /^["']/.test(description) ? stringValue(description) : undefined;
  return registerRole(ctx.state, type, { file: ctx.block.file, line: lineAt(ctx, call.start) }, text);
}

export function resolveTarget(ctx: Ctx, expr: string): string {
  return ctx.state.aliases.get(expr) ?? expr;
}

export function track(
  ctx: Ctx,
  idVar: string,
  role: string,
  edit: Edit,
  waited: boolean,
  isArray = false,
): void {
  ctx.state.agents.set(idVar, {
    idVar,
    role,
    lastUse: { block: ctx.block.index, edit },
    isArray,
    waited,
    loop: enclosingLoop(ctx.block.code, edit.start),
    blockEdits: ctx.edits,
    where: { file: ctx.block.file, line: lineAt(ctx, edit.start) },
  });
}

export function touch(ctx: Ctx, idVar: string, edit: Edit, waited: boolean): void {
  const agent = ctx.state.agents.get(idVar);
  if (agent) {
    agent.lastUse = { block: ctx.block.index, edit };
    agent.waited = agent.waited || waited;
  } else if (/^[A-Za-z_$][\w$]*$/.test(idVar)) {
    track(ctx, idVar, "worker", edit, waited);
  }
}

export function keepPrompt(ctx: Ctx, call: Call, prompt: string): void {
  // The prompt is kept verbatim except for $ARGUMENTS, which every code block gets rewritten.
  const expected = convertCodeText(prompt, "javascript", { ...ctx.state });
  ctx.state.preserved.push(preserved("prompt", ctx.block.file, lineAt(ctx, call.start), expected));
}

/** Converts the Claude calls of one code block; returns the edits to apply to it. */

/**
 * The innermost for / while loop (or forEach callback) whose body holds `offset`: where its header
 * line starts and where its body closes, as offsets in `code`.
 */
function enclosingLoop(
  code: string,
  offset: number,
): { start: number; end: number; indent: string } | undefined {
  const tokens = tokenize(code).filter((t) => t.kind === "punct");
  const open: Array<{ loopStart: number | undefined; brace: number }> = [];
  for (const token of tokens) {
    if (token.start >= offset) break;
    if (token.text === "{") {
      const head = code.slice(Math.max(0, token.start - 200), token.start);
      const loop = head.match(/(\b(?:for|while)\s*\([^{}]*\)|[\w$.]+\.forEach\([^{}]*=>)\s*$/);
      const at = loop ? token.start - (head.length - (loop.index ?? 0)) : undefined;
      open.push({
        loopStart: at === undefined ? undefined : code.lastIndexOf("\n", at - 1) + 1,
        brace: token.start,
      });
    } else if (token.text === "}") open.pop();
  }
  const loop = [...open].reverse().find((o) => o.loopStart !== undefined);
  if (!loop) return undefined;
  let depth = 0;
  for (const token of tokens) {
    if (token.start < loop.brace) continue;
    if (token.text === "{") depth++;
    else if (token.text === "}" && --depth === 0) {
      // A forEach callback closes with `})`: the loop statement ends after the parenthesis.
      const rest = code.slice(token.end).match(/^\s*\)?;?/)?.[0] ?? "";
      const indent = code.slice(loop.loopStart!).match(/^[ \t]*/)?.[0] ?? "";
      return { start: loop.loopStart!, end: token.end + rest.length, indent };
    }
  }
  return undefined;
}
