/** A tolerant tokenizer for the JavaScript-like pseudo-code in skill code blocks. */

export type TokenKind = "ident" | "punct" | "string" | "number" | "comment" | "space";

export interface Token {
  kind: TokenKind;
  text: string;
  start: number;
  end: number;
}

const PUNCT3 = ["...", "===", "!==", "**=", "<<=", ">>=", "&&=", "||=", "??="];
const PUNCT2 = ["=>", "==", "!=", "<=", ">=", "&&", "||", "??", "?.", "++", "--", "+=", "-=", "*=", "/="];

export function tokenize(code: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const push = (kind: TokenKind, start: number, end: number) =>
    tokens.push({ kind, text: code.slice(start, end), start, end });
  while (i < code.length) {
    const ch = code[i]!;
    const start = i;
    if (/\s/.test(ch)) {
      while (i < code.length && /\s/.test(code[i]!)) i++;
      push("space", start, i);
    } else if (ch === "/" && code[i + 1] === "/") {
      while (i < code.length && code[i] !== "\n") i++;
      push("comment", start, i);
    } else if (ch === "/" && code[i + 1] === "*") {
      const close = code.indexOf("*/", i + 2);
      i = close === -1 ? code.length : close + 2;
      push("comment", start, i);
    } else if (ch === '"' || ch === "'") {
      i = skipQuoted(code, i, ch);
      push("string", start, i);
    } else if (ch === "`") {
      i = skipTemplate(code, i);
      push("string", start, i);
    } else if (/[A-Za-z_$]/.test(ch)) {
      while (i < code.length && /[\w$]/.test(code[i]!)) i++;
      push("ident", start, i);
    } else if (/\d/.test(ch)) {
      while (i < code.length && /[\w.]/.test(code[i]!)) i++;
      push("number", start, i);
    } else {
      const three = code.slice(i, i + 3);
      const two = code.slice(i, i + 2);
      i += PUNCT3.includes(three) ? 3 : PUNCT2.includes(two) ? 2 : 1;
      push("punct", start, i);
    }
  }
  return tokens;
}

function skipQuoted(code: string, from: number, quote: string): number {
  let i = from + 1;
  while (i < code.length && code[i] !== quote && code[i] !== "\n") i += code[i] === "\\" ? 2 : 1;
  return Math.min(i + 1, code.length);
}

/** Skips a template literal, including nested `${ … }` expressions that may hold templates themselves. */
function skipTemplate(code: string, from: number): number {
  let i = from + 1;
  while (i < code.length) {
    const ch = code[i];
    if (ch === "\\") i += 2;
    else if (ch === "`") return i + 1;
    else if (ch === "$" && code[i + 1] === "{") i = skipExpression(code, i + 2);
    else i++;
  }
  return code.length;
}

function skipExpression(code: string, from: number): number {
  let depth = 1;
  let i = from;
  while (i < code.length && depth > 0) {
    const ch = code[i]!;
    if (ch === "`") i = skipTemplate(code, i);
    else if (ch === '"' || ch === "'") i = skipQuoted(code, i, ch);
    else {
      if (ch === "{") depth++;
      else if (ch === "}") depth--;
      i++;
    }
  }
  return i;
}

/** The value of a string token without quotes (template expressions kept as written). */
export function stringValue(token: Token | string): string {
  const text = typeof token === "string" ? token : token.text;
  const body = text.slice(1, text.endsWith(text[0]!) && text.length > 1 ? -1 : undefined);
  if (text.startsWith("`")) return body;
  return body.replace(/\\(.)/g, (_, c: string) => (c === "n" ? "\n" : c === "t" ? "\t" : c));
}
