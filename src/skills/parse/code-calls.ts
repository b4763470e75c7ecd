import { type Token, tokenize } from "./code-lexer.ts";

export interface ArgEntry {
  key: string;
  /** Raw source text of the value. */
  value: string;
  valueStart: number;
  valueEnd: number;
  keyStart: number;
}

export interface Binding {
  /** `const x = call(…)` → "x"; `const xs = items.map(i => call(…))` → "xs". */
  name: string;
  kind: "value" | "map" | "push";
  /** Offset where the binding text starts (the statement start for rewriting). */
  start: number;
  /** For `map` bindings, the arrow function's parameter. */
  loopVar?: string;
}

export interface Call {
  name: string;
  /** Offset of the callee name, of `(`, and just after the closing `)`. */
  start: number;
  openParen: number;
  end: number;
  args: string;
  /** Top-level entries of an object-literal argument (`{ a: 1 }`) or of keyword arguments (`a=1`). */
  entries: ArgEntry[] | undefined;
  /** How the arguments are written: `Task({ … })`, `Task(a="…", …)` (Python-like), or anything else. */
  form: "object" | "keyword" | "other";
  binding: Binding | undefined;
  /** Nesting depth of the call among other calls (0 = top level). */
  member: boolean;
}

const OPEN = new Set(["(", "[", "{"]);
const CLOSE = new Set([")", "]", "}"]);

/**
 * Finds calls to `names` in pseudo-code, with their object-literal arguments and what they are bound to.
 * @example findCalls('const a = spawn_agent({ agent_type: "x" })', ["spawn_agent"])[0].binding.name // "a"
 */
export function findCalls(code: string, names: readonly string[]): Call[] {
  const tokens = tokenize(code).filter((t) => t.kind !== "space" && t.kind !== "comment");
  const calls: Call[] = [];
  tokens.forEach((token, index) => {
    if (token.kind !== "ident" || !names.includes(token.text)) return;
    const next = tokens[index + 1];
    const prev = tokens[index - 1];
    if (next?.text !== "(" || prev?.text === "function") return;
    const closeIndex = matchClose(tokens, index + 1);
    const close = tokens[closeIndex];
    const end = close ? close.end : code.length;
    const inner = tokens.slice(index + 2, close ? closeIndex : tokens.length);
    const object = objectEntries(code, inner);
    const keyword = object
      ? undefined
      : (keywordEntries(code, inner) ?? positionalEntries(code, inner, token.text));
    calls.push({
      name: token.text,
      start: token.start,
      openParen: next.start,
      end,
      args: code.slice(next.end, close ? close.start : code.length),
      entries: object ?? keyword,
      form: object ? "object" : keyword ? "keyword" : "other",
      binding: bindingBefore(code, prev?.text === "." ? memberStart(tokens, index) : token.start),
      member: prev?.text === "." || prev?.text === "?.",
    });
  });
  return calls;
}

function memberStart(tokens: Token[], index: number): number {
  let i = index;
  while (i >= 2 && (tokens[i - 1]?.text === "." || tokens[i - 1]?.text === "?.")) i -= 2;
  return tokens[i]!.start;
}

function matchClose(tokens: Token[], openIndex: number): number {
  let depth = 0;
  for (let i = openIndex; i < tokens.length; i++) {
    const text = tokens[i]!.text;
    if (tokens[i]!.kind === "punct" && OPEN.has(text)) depth++;
    else if (tokens[i]!.kind === "punct" && CLOSE.has(text)) {
      depth--;
      if (depth === 0) return i;
    }
  }
  return tokens.length;
}

/** Top-level comma-separated parts of a token list (commas inside brackets do not split). */
function splitTopLevel(tokens: Token[]): Token[][] {
  const parts: Token[][] = [];
  let depth = 0;
  let current: Token[] = [];
  for (const t of tokens) {
    if (t.kind === "punct" && OPEN.has(t.text)) depth++;
    else if (t.kind === "punct" && CLOSE.has(t.text)) depth--;
    else if (t.text === "," && depth === 0) {
      parts.push(current);
      current = [];
      continue;
    }
    current.push(t);
  }
  parts.push(current);
  return parts.filter((p) => p.length > 0);
}

function entryOf(code: string, key: string, keyToken: Token, first: Token, last: Token): ArgEntry {
  return {
    key,
    value: code.slice(first.start, last.end),
    valueStart: first.start,
    valueEnd: last.end,
    keyStart: keyToken.start,
  };
}

function objectEntries(code: string, inner: Token[]): ArgEntry[] | undefined {
  if (inner[0]?.text !== "{") return undefined;
  const body = inner.slice(1, matchClose(inner, 0));
  const entries: ArgEntry[] = [];
  for (const part of splitTopLevel(body)) {
    const keyToken = part[0]!;
    const key = keyToken.kind === "string" ? keyToken.text.slice(1, -1) : keyToken.text;
    if (part[1]?.text === ":" && part[2])
      entries.push(entryOf(code, key, keyToken, part[2], part[part.length - 1]!));
    else if (part.length === 1 && keyToken.kind === "ident")
      entries.push(entryOf(code, key, keyToken, keyToken, keyToken));
  }
  return entries;
}

/** `name="x", prompt=\`…\`` — keyword arguments, as in the Python-like pseudo-code of many skills. */
function keywordEntries(code: string, inner: Token[]): ArgEntry[] | undefined {
  const parts = splitTopLevel(inner);
  const keyword = parts.every(([key, eq, first]) => key?.kind === "ident" && eq?.text === "=" && first);
  if (parts.length === 0 || !keyword) return undefined;
  return parts.map((part) => entryOf(code, part[0]!.text, part[0]!, part[2]!, part[part.length - 1]!));
}

/** `Task(agent-name, \`prompt\`)`: the positional shorthand some skills use for spawns. */
function positionalEntries(code: string, inner: Token[], name: string): ArgEntry[] | undefined {
  if (name !== "Task" && name !== "Agent") return undefined;
  const comma = inner.findIndex((t) => t.text === ",");
  if (comma <= 0) return undefined;
  const head = inner.slice(0, comma);
  const rest = inner.slice(comma + 1);
  const typeOk =
    (head.length === 1 && head[0]!.kind === "string") ||
    head.every((t, i) => (i % 2 === 0 ? t.kind === "ident" : t.text === "-"));
  const prompt = rest[0];
  if (!typeOk || !prompt || rest.length !== 1 || !["string", "ident"].includes(prompt.kind)) return undefined;
  const typeText = code.slice(head[0]!.start, head[head.length - 1]!.end);
  return [
    {
      key: "subagent_type",
      value: head[0]!.kind === "string" ? typeText : JSON.stringify(typeText),
      valueStart: head[0]!.start,
      valueEnd: head[head.length - 1]!.end,
      keyStart: head[0]!.start,
    },
    {
      key: "prompt",
      value: prompt.text,
      valueStart: prompt.start,
      valueEnd: prompt.end,
      keyStart: prompt.start,
    },
  ];
}

const DECL = String.raw`(?:const|let|var)\s+`;
const MAP_TAIL = String.raw`\.map\(\s*(?:async\s+)?\(?\s*([\w$]+)[^()=]*?\)?\s*=>\s*(?:\{\s*return\s+)?(?:await\s+)?$`;

function bindingBefore(code: string, callStart: number): Binding | undefined {
  const before = code.slice(Math.max(0, callStart - 300), callStart);
  const offset = callStart - before.length;
  const patterns: Array<[RegExp, Binding["kind"]]> = [
    [new RegExp(`${DECL}([\\w$]+)\\s*=\\s*[\\w$.\\[\\]]+${MAP_TAIL}`), "map"],
    [new RegExp(`${DECL}([\\w$]+)\\s*=\\s*(?:await\\s+)?$`), "value"],
    [/(?:^|[\s;{}(])([\w$]+)\s*=\s*(?:await\s+)?$/, "value"],
    [/([\w$]+)\.push\(\s*(?:await\s+)?$/, "push"],
  ];
  for (const [pattern, kind] of patterns) {
    const match = before.match(pattern);
    if (match?.[1] && match.index !== undefined) {
      const lead = match[0].length - match[0].trimStart().length;
      const startsWithName = kind === "value" && !/^(?:const|let|var)\b/.test(match[0].trimStart());
      const start =
        offset + match.index + lead + (startsWithName ? match[0].trimStart().indexOf(match[1]) : 0);
      const binding: Binding = { name: match[1], kind, start };
      if (kind === "map" && match[2]) binding.loopVar = match[2];
      return binding;
    }
  }
  return undefined;
}

/** 1-based line of `offset` within `text`. */
export function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) if (text[i] === "\n") line++;
  return line;
}

/** The identifiers in a `targets`/`ids` value: `[a, b]` → ["a","b"], `ids` → ["ids"]. */
export function identifiersIn(value: string): string[] {
  return [...value.matchAll(/[A-Za-z_$][\w$]*(?:\.[\w$]+)*/g)].map((m) => m[0]);
}
