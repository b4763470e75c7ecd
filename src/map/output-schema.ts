import { readFileSync } from "node:fs";
import { z } from "zod";
import { BatonError } from "../errors.ts";

/** An item's answer checked against the map's output schema. */
export type Checked = { ok: true; value: unknown } | { ok: false; reason: string };

export interface OutputSchema {
  /** The JSON Schema itself: given to the backend (codex --output-schema) and written to the record. */
  json: Record<string, unknown>;
  check(answer: string): Checked;
}

/** Reads a JSON Schema file (what codex's --output-schema takes). */
export function loadOutputSchema(file: string): OutputSchema {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    throw new BatonError(
      "E_USAGE",
      `\`outputSchema\` ${file}: cannot read a JSON Schema from it (${(error as Error).message})`,
      { file },
    );
  }
  return outputSchema(json, `\`outputSchema\` ${file}`);
}

export function outputSchema(json: unknown, source = "output schema"): OutputSchema {
  if (typeof json !== "object" || json === null || Array.isArray(json))
    throw new BatonError("E_USAGE", `${source}: expected a JSON Schema object, e.g. {"type":"object",…}`);
  let schema: z.ZodType;
  try {
    schema = z.fromJSONSchema(json as Parameters<typeof z.fromJSONSchema>[0]);
  } catch (error) {
    throw new BatonError(
      "E_USAGE",
      `${source}: not a JSON Schema baton can check (${(error as Error).message})`,
    );
  }
  return {
    json: json as Record<string, unknown>,
    check(answer) {
      const value = parseJsonAnswer(answer);
      if (value === undefined)
        return { ok: false, reason: "the answer is not JSON (expected one JSON value matching the schema)" };
      const parsed = schema.safeParse(value);
      if (parsed.success) return { ok: true, value: parsed.data };
      const issues = parsed.error.issues
        .slice(0, 5)
        .map((i) => `${i.path.length ? i.path.join(".") : "(root)"}: ${i.message}`);
      return { ok: false, reason: `the answer does not match the schema: ${issues.join("; ")}` };
    },
  };
}

/** The JSON in a final message: the whole text, a fenced block, or the outermost {…} / […]. */
export function parseJsonAnswer(text: string): unknown {
  const candidates = [text.trim()];
  const fenced = /```(?:json)?\s*\n([\s\S]*?)\n\s*```/.exec(text);
  if (fenced) candidates.push(fenced[1]!.trim());
  for (const [open, close] of [
    ["{", "}"],
    ["[", "]"],
  ] as const) {
    const start = text.indexOf(open);
    const end = text.lastIndexOf(close);
    if (start !== -1 && end > start) candidates.push(text.slice(start, end + 1));
  }
  for (const candidate of candidates) {
    try {
      return JSON.parse(candidate);
    } catch {
      // try the next reading
    }
  }
  return undefined;
}

/** The one follow-up turn an invalid answer gets, through send_input on the same thread. */
export function repairPrompt(reason: string, schema: Record<string, unknown>): string {
  return (
    `Your last answer cannot be used: ${reason}.\n` +
    "Answer again with only one JSON value that matches this JSON Schema, nothing before or after it:\n" +
    JSON.stringify(schema)
  );
}
