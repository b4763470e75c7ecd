/**
 * Builds the smallest plausible value that validates against a JSON Schema, for `jsonAuto` answers to
 * codex `--output-schema` turns. Covers what codex forwards (OpenAI strict structured-output schemas):
 * objects (every listed property is filled, because strict schemas require them all), arrays
 * (`minItems` copies), enums, consts, `anyOf`/`oneOf`/`allOf`, local `$ref`s and type lists.
 */
type Schema = Record<string, unknown>;

const MAX_DEPTH = 32;

export function minimalInstance(schema: unknown, root: unknown = schema, depth = 0): unknown {
  if (depth > MAX_DEPTH || schema === true || typeof schema !== "object" || schema === null) return null;
  const s = schema as Schema;

  if (typeof s.$ref === "string") return minimalInstance(resolveRef(s.$ref, root), root, depth + 1);
  if ("const" in s) return s.const;
  if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum[0];
  if ("default" in s) return s.default;
  for (const key of ["anyOf", "oneOf"] as const) {
    const options = s[key];
    if (Array.isArray(options) && options.length > 0) {
      // A non-null branch says more about the expected shape than `null` does.
      const preferred = options.find((o) => !(typeof o === "object" && o && (o as Schema).type === "null"));
      return minimalInstance(preferred ?? options[0], root, depth + 1);
    }
  }
  if (Array.isArray(s.allOf) && s.allOf.length > 0) {
    const merged: Schema = {};
    for (const part of s.allOf) {
      const resolved = resolveDeep(part, root);
      const properties = { ...(merged.properties as Schema), ...(resolved.properties as Schema) };
      Object.assign(merged, resolved, { properties });
    }
    return minimalInstance({ ...merged, ...withoutKey(s, "allOf") }, root, depth + 1);
  }

  const type = pickType(s);
  switch (type) {
    case "object": {
      const out: Record<string, unknown> = {};
      const properties = (s.properties ?? {}) as Record<string, unknown>;
      for (const [name, sub] of Object.entries(properties)) out[name] = minimalInstance(sub, root, depth + 1);
      return out;
    }
    case "array": {
      const count = typeof s.minItems === "number" ? s.minItems : 0;
      const prefix = Array.isArray(s.prefixItems) ? s.prefixItems : [];
      const items: unknown[] = [];
      for (let i = 0; i < Math.max(count, prefix.length); i++) {
        items.push(minimalInstance(prefix[i] ?? s.items, root, depth + 1));
      }
      return items;
    }
    case "string":
      return "x".repeat(typeof s.minLength === "number" ? s.minLength : 0);
    case "integer":
    case "number": {
      if (typeof s.minimum === "number") return type === "integer" ? Math.ceil(s.minimum) : s.minimum;
      if (typeof s.exclusiveMinimum === "number") return Math.floor(s.exclusiveMinimum) + 1;
      if (typeof s.maximum === "number" && s.maximum < 0) return s.maximum;
      return 0;
    }
    case "boolean":
      return false;
    default:
      return null;
  }
}

function pickType(s: Schema): string | undefined {
  if (typeof s.type === "string") return s.type;
  if (Array.isArray(s.type)) return (s.type.find((t) => t !== "null") ?? s.type[0]) as string | undefined;
  if (s.properties) return "object";
  if (s.items || s.prefixItems) return "array";
  return undefined;
}

function resolveRef(ref: string, root: unknown): unknown {
  if (!ref.startsWith("#")) return {};
  let node: unknown = root;
  for (const raw of ref.slice(1).split("/").filter(Boolean)) {
    const key = decodeURIComponent(raw).replaceAll("~1", "/").replaceAll("~0", "~");
    node = typeof node === "object" && node !== null ? (node as Schema)[key] : undefined;
  }
  return node ?? {};
}

function resolveDeep(part: unknown, root: unknown): Schema {
  if (typeof part !== "object" || part === null) return {};
  const s = part as Schema;
  return typeof s.$ref === "string" ? resolveDeep(resolveRef(s.$ref, root), root) : s;
}

function withoutKey(s: Schema, key: string): Schema {
  const { [key]: _dropped, ...rest } = s;
  return rest;
}
