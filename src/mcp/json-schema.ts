import { z } from "zod";
import { errorOutput } from "./outputs.ts";

/**
 * Tool schemas as portable JSON Schema: no `{}` sub-schemas, no `type: [x, "null"]`, and `required`
 * wherever an argument is. An argument with two spellings (`ids`|`targets`, `message`|`items`) is
 * required as a one-of (`anyOf` of `required`), which strict validators such as the Inspector's accept.
 */

type Json = Record<string, unknown>;

/** `groups`: sets of alternative spellings, one of each set required. */
export function toolInputSchema(schema: z.ZodType, groups: readonly (readonly string[])[] = []): Json {
  const json = portable(z.toJSONSchema(schema, { io: "input" })) as Json;
  const alternatives = groups.map((names) => ({ anyOf: names.map((name) => ({ required: [name] })) }));
  if (alternatives.length === 1) Object.assign(json, alternatives[0]);
  else if (alternatives.length > 1) json.allOf = alternatives;
  return json;
}

/**
 * A tool's result shape, or `{error: {code, message}}` of an error result. The SDK client (1.32)
 * checks `structuredContent` against the outputSchema even when `isError` is set, so the schema
 * admits both: the error property next to the others, and one of the two `required` sets.
 */
export function toolOutputSchema(schema: z.ZodType): Json {
  const { required, ...json } = toJson(schema);
  json.properties = { ...(json.properties as Json), error: (toJson(errorOutput).properties as Json).error };
  json.anyOf = [{ required }, { required: ["error"] }];
  return json;
}

const toJson = (schema: z.ZodType) => portable(z.toJSONSchema(schema, { io: "output" })) as Json;

function portable(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(portable);
  if (node === null || typeof node !== "object") return node;
  const out: Json = {};
  for (const [key, value] of Object.entries(node as Json)) {
    if (key === "$schema") continue;
    if (key === "propertyNames" && isPlainString(value)) continue;
    if (key === "additionalProperties" && isEmpty(value)) out[key] = true;
    else out[key] = portable(value);
  }
  if (Array.isArray(out.type) && out.type.includes("null")) {
    const types = out.type as string[];
    delete out.type;
    out.anyOf = types.map((type) => ({ type }));
  }
  return out;
}

const isEmpty = (value: unknown) =>
  typeof value === "object" && value !== null && Object.keys(value).length === 0;
const isPlainString = (value: unknown) =>
  typeof value === "object" && value !== null && JSON.stringify(value) === '{"type":"string"}';
