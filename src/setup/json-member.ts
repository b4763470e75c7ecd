import { BatonError } from "../errors.ts";

/**
 * Sets or removes one member of a JSON config (e.g. `mcpServers.baton` in Claude Code's `.claude.json`)
 * without reformatting the rest. Claude Code writes its files as `JSON.stringify(value, null, 2)`; a file
 * in that form is re-serialised with the same indentation, so every other byte stays the same. A file in
 * any other form is refused with the snippet to add by hand, never rewritten.
 */

type JsonObject = Record<string, unknown>;

function parseObject(text: string, file: string): JsonObject {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new BatonError(
      "E_CONFIG",
      `${file} is not valid JSON (${(error as Error).message}); fix it first`,
      {
        file,
        cause: error,
      },
    );
  }
  if (typeof value !== "object" || value === null || Array.isArray(value))
    throw new BatonError("E_CONFIG", `${file} is not a JSON object; fix it first`, { file });
  return value as JsonObject;
}

/** The indentation and final newline that reproduce `text` exactly, or undefined when none does. */
function formatOf(text: string, value: JsonObject): { indent: string | number; newline: string } | undefined {
  for (const indent of [2, 4, "\t", 0] as const) {
    const body = JSON.stringify(value, null, indent);
    for (const newline of ["\n", "", "\r\n"]) if (text === body + newline) return { indent, newline };
  }
  return undefined;
}

function serialise(value: JsonObject, format: { indent: string | number; newline: string }): string {
  return JSON.stringify(value, null, format.indent) + format.newline;
}

/**
 * `text` (undefined: the file does not exist) with `value` at `path` (two levels, e.g.
 * ["mcpServers", "baton"]); `snippet` is shown when the file's form cannot be kept.
 */
export function setMember(
  text: string | undefined,
  path: [string, string],
  value: unknown,
  file: string,
): string {
  const [outer, inner] = path;
  if (text === undefined || text.trim() === "")
    return serialise({ [outer]: { [inner]: value } }, { indent: 2, newline: "\n" });
  const parsed = parseObject(text, file);
  const format = formatOf(text, parsed);
  if (!format) {
    throw new BatonError(
      "E_CONFIG",
      `${file} is not formatted as Claude Code writes it, and baton does not rewrite a config wholesale. ` +
        `Add this under "${outer}" by hand: ${JSON.stringify({ [inner]: value }, null, 2)}`,
      { file },
    );
  }
  const section = parsed[outer];
  if (section !== undefined && (typeof section !== "object" || section === null || Array.isArray(section)))
    throw new BatonError("E_CONFIG", `${file}: "${outer}" is not an object; fix it first`, { file });
  parsed[outer] = { ...(section as JsonObject | undefined), [inner]: value };
  return serialise(parsed, format);
}

/** `text` without the member at `path` (and without `outer` when that leaves it empty and `dropEmpty`). */
export function removeMember(text: string, path: [string, string], file: string, dropEmpty: boolean): string {
  const [outer, inner] = path;
  const parsed = parseObject(text, file);
  const format = formatOf(text, parsed) ?? { indent: 2, newline: "\n" };
  const section = parsed[outer] as JsonObject | undefined;
  if (!section || !(inner in section)) return text;
  delete section[inner];
  if (dropEmpty && Object.keys(section).length === 0) delete parsed[outer];
  return serialise(parsed, format);
}
