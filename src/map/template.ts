import { BatonError } from "../errors.ts";
import type { MapItem } from "./tasks.ts";

// `{name}` names a field; `{{` and `}}` are literal braces (so JSON examples can stay in a prompt).
const TOKEN = /\{\{|\}\}|\{([^{}\s]+)\}/g;

/** The field names a prompt template uses, in order of first use. */
export function templateFields(template: string): string[] {
  const names = new Set<string>();
  for (const m of template.matchAll(TOKEN)) if (m[1] !== undefined) names.add(m[1]);
  return [...names];
}

/**
 * Fills `{field}` from an item. A string field goes in as it is, any other value as JSON.
 * @example renderPrompt("Migrate {path} to ESM", item) // "Migrate src/a.js to ESM"
 */
export function renderPrompt(template: string, item: MapItem): string {
  return template.replace(TOKEN, (token, name: string | undefined) => {
    if (name === undefined) return token[0]!;
    const value = item.fields[name];
    if (value === undefined) throw missingField(item, name);
    return typeof value === "string" ? value : JSON.stringify(value);
  });
}

/** Checks every item before anything runs: a field the template names but an item lacks is a usage error. */
export function checkTemplate(template: string, items: readonly MapItem[], source: string): void {
  if (template.trim() === "")
    throw new BatonError(
      "E_USAGE",
      '`prompt` is empty; say what each agent does, e.g. `prompt` "Migrate {path} to ESM"',
    );
  const fields = templateFields(template);
  for (const item of items)
    for (const name of fields) if (item.fields[name] === undefined) throw missingField(item, name, source);
}

function missingField(item: MapItem, name: string, source = "tasks"): BatonError {
  const has = Object.keys(item.fields);
  return new BatonError(
    "E_USAGE",
    `${source}: item ${item.id} (line ${item.line}) has no field "${name}", which the prompt uses as {${name}}; ` +
      `its fields: ${has.join(", ") || "none"}. Add the field, or change the prompt (write {{ }} for literal braces).`,
    { line: item.line },
  );
}
