import { type Call, findCalls, identifiersIn, lineOf } from "../parse/code-calls.ts";
import { tokenize } from "../parse/code-lexer.ts";
import type { PackageDoc } from "./package-read.ts";

/** Codex multi-agent tools, plus the seed's spelling `wait`. */
export const TOOL_NAMES = [
  "spawn_agent",
  "wait_agent",
  "wait",
  "send_input",
  "close_agent",
  "resume_agent",
] as const;

export interface ToolCall extends Call {
  file: string;
  line: number;
  /** For calls inside `X.forEach((v) => …)` / `for (const v of X)`: v → X. */
  loop: { variable: string; collection: string } | undefined;
}

/** The code of one file, all code blocks joined, with the calls and variable definitions in it. */
export interface FileCode {
  file: string;
  code: string;
  calls: ToolCall[];
  /** Variable → the identifiers its definitions (and re-assignments) are made from. */
  definitions: Map<string, { sources: Set<string>; raw: string[] }>;
}

const SEPARATOR = "\n;\n";

export function analyzeFile(doc: PackageDoc): FileCode {
  const segments: Array<{ start: number; line: number }> = [];
  let code = "";
  for (const block of doc.md.codeBlocks) {
    if (!/^(js|javascript|ts|typescript|jsx|tsx|)$/.test(block.lang)) continue;
    segments.push({ start: code.length, line: block.startLine });
    code += block.text + SEPARATOR;
  }
  const lineAt = (offset: number): number => {
    const segment = [...segments].reverse().find((s) => s.start <= offset) ?? { start: 0, line: 1 };
    return segment.line + lineOf(code.slice(segment.start), offset - segment.start) - 1;
  };
  const calls = findCalls(code, TOOL_NAMES).map((call) => ({
    ...call,
    file: doc.file,
    line: lineAt(call.start),
    loop: loopAround(code, call.start),
  }));
  return { file: doc.file, code, calls, definitions: definitionsIn(code) };
}

function definitionsIn(code: string): FileCode["definitions"] {
  const definitions: FileCode["definitions"] = new Map();
  const pattern = /(?:\b(?:const|let|var)\s+|(?:^|[;\s{]))([A-Za-z_$][\w$]*)\s*=(?![=>])\s*([^\n;]*)/g;
  for (const match of code.matchAll(pattern)) {
    const name = match[1]!;
    const raw = match[2] ?? "";
    const entry = definitions.get(name) ?? { sources: new Set<string>(), raw: [] };
    entry.raw.push(raw);
    // A template or string value is text, not a list of ids.
    if (!/^\s*[`'"]/.test(raw)) {
      for (const id of identifiersIn(raw.replace(/=>.*$/, ""))) entry.sources.add(id.split(".")[0]!);
    }
    definitions.set(name, entry);
  }
  // `ids.push(agent)`: the array holds the id, so closing every element of it closes the agent.
  for (const match of code.matchAll(/([A-Za-z_$][\w$]*)\.push\(\s*([A-Za-z_$][\w$]*)\s*\)/g)) {
    const entry = definitions.get(match[1]!) ?? { sources: new Set<string>(), raw: [] };
    entry.sources.add(match[2]!);
    definitions.set(match[1]!, entry);
  }
  return definitions;
}

/** The innermost `X.forEach((v) => {…})` / `for (const v of X) {…}` whose body holds the call: v → X. */
function loopAround(code: string, callStart: number): ToolCall["loop"] {
  const open: Array<ToolCall["loop"]> = [];
  for (const token of tokenize(code.slice(0, callStart))) {
    if (token.kind !== "punct") continue;
    if (token.text === "{") {
      const head = code.slice(Math.max(0, token.start - 200), token.start);
      const forEach = head.match(/([\w$.]+)\.forEach\(\s*(?:async\s*)?\(?\s*([\w$]+)\s*\)?\s*=>\s*$/);
      const forOf = head.match(/for\s*\(\s*(?:const|let|var)\s+([\w$]+)\s+of\s+([\w$.]+)\s*\)\s*$/);
      open.push(
        forEach
          ? { variable: forEach[2]!, collection: forEach[1]!.split(".")[0]! }
          : forOf
            ? { variable: forOf[1]!, collection: forOf[2]!.split(".")[0]! }
            : undefined,
      );
    } else if (token.text === "}") open.pop();
  }
  const inner = [...open].reverse().find(Boolean);
  if (inner) return inner;
  // A body without braces: `ids.forEach((id) => close_agent(…))`, `for (const id of ids) close_agent(…)`.
  const before = code.slice(Math.max(0, callStart - 200), callStart);
  const forEach = before.match(/([\w$.]+)\.forEach\(\s*(?:async\s*)?\(?\s*([\w$]+)\s*\)?\s*=>\s*$/);
  if (forEach) return { variable: forEach[2]!, collection: forEach[1]!.split(".")[0]! };
  const forOf = before.match(/for\s*\(\s*(?:const|let|var)\s+([\w$]+)\s+of\s+([\w$.]+)\s*\)\s*$/);
  if (forOf) return { variable: forOf[1]!, collection: forOf[2]!.split(".")[0]! };
  return undefined;
}

/** Every variable `name` may stand for, following definitions transitively. */
export function resolveIds(file: FileCode, names: Iterable<string>): Set<string> {
  const seen = new Set<string>();
  const queue = [...names];
  while (queue.length > 0) {
    const name = queue.pop()!;
    if (seen.has(name)) continue;
    seen.add(name);
    for (const source of file.definitions.get(name)?.sources ?? []) queue.push(source);
  }
  return seen;
}

/** The ids a call acts on: the `targets`/`ids`/`target`/`id` argument, with loop variables resolved. */
export function targetsOf(call: ToolCall): string[] {
  const entry = call.entries?.find((e) => ["targets", "ids", "target", "id"].includes(e.key));
  if (!entry) return [];
  return identifiersIn(entry.value)
    .map((id) => id.split(".")[0]!)
    .map((id) => (call.loop && id === call.loop.variable ? call.loop.collection : id));
}

export function entryValue(call: Call, key: string): string | undefined {
  return call.entries?.find((e) => e.key === key)?.value;
}

/** The text of a spawn's message: the literal, or the template a variable was set to. */
export function messageText(file: FileCode, call: Call): string | undefined {
  const value = entryValue(call, "message") ?? entryValue(call, "items");
  if (value === undefined) return undefined;
  if (/^[`'"]/.test(value.trim())) return value;
  const name = value.trim().match(/^[\w$]+$/)?.[0];
  const raw = name ? file.definitions.get(name)?.raw[0] : undefined;
  if (raw === undefined) return value;
  // The definition regex stops at the line end; take the whole literal from the code.
  const start = file.code.indexOf(raw);
  const token = tokenize(file.code.slice(start)).find((t) => t.kind !== "space");
  return token?.kind === "string" ? token.text : raw;
}
