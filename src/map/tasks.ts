import { readFileSync } from "node:fs";
import { extname } from "node:path";
import { BatonError } from "../errors.ts";
import { parseCsv } from "./csv.ts";

/** One item of a task list: its fields, its id (the `--id` column, else its line number) and its line. */
export interface MapItem {
  id: string;
  line: number;
  fields: Record<string, unknown>;
}

export type TaskFormat = "csv" | "jsonl";

export function taskFormatOf(file: string): TaskFormat {
  const ext = extname(file).toLowerCase();
  if (ext === ".csv") return "csv";
  if (ext === ".jsonl" || ext === ".ndjson") return "jsonl";
  throw new BatonError(
    "E_USAGE",
    `\`tasks\` ${file}: expected a .csv file (a header row, then one item per row) or a .jsonl file (one JSON object per line), got "${ext || "no extension"}"`,
    { file },
  );
}

/**
 * Reads a task list: CSV with a header row, or JSON Lines with one object per line.
 * @example loadTasks("files.csv", { idField: "path" }) // [{ id: "src/a.ts", line: 2, fields: { path: "src/a.ts" } }, …]
 */
export function loadTasks(file: string, options: { idField?: string } = {}): MapItem[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    throw new BatonError("E_NOT_FOUND", `\`tasks\` ${file}: cannot read it (${(error as Error).message})`, {
      file,
    });
  }
  const items = taskFormatOf(file) === "csv" ? csvItems(text, file) : jsonlItems(text, file);
  return withIds(items, file, options.idField);
}

/** Items given directly (library, MCP): each an object; the line is its 1-based position. */
export function itemsFromObjects(objects: readonly unknown[], idField?: string): MapItem[] {
  const items = objects.map((value, index) => {
    if (!isPlainObject(value))
      throw new BatonError(
        "E_USAGE",
        `tasks[${index}]: expected an object of fields, got ${JSON.stringify(value)?.slice(0, 80)}`,
      );
    return { line: index + 1, fields: value };
  });
  return withIds(items, "tasks", idField);
}

function csvItems(text: string, file: string): Array<Omit<MapItem, "id">> {
  const [header, ...rows] = parseCsv(text.replace(/^\uFEFF/, ""), file);
  if (!header)
    throw new BatonError("E_USAGE", `\`tasks\` ${file}: the file is empty; the first row names the columns`, {
      file,
    });
  const names = header.cells.map((c) => c.trim());
  const seen = new Set<string>();
  for (const name of names) {
    if (name === "" || seen.has(name))
      throw new BatonError(
        "E_USAGE",
        `\`tasks\` ${file}: line ${header.line}: every column needs a unique name, got ${JSON.stringify(names)}`,
        { file, line: header.line },
      );
    seen.add(name);
  }
  return rows.map((row) => {
    if (row.cells.length > names.length)
      throw new BatonError(
        "E_USAGE",
        `\`tasks\` ${file}: line ${row.line} has ${row.cells.length} cells, the header names ${names.length} columns`,
        { file, line: row.line },
      );
    // A short row lacks its last fields; the template check names them if the prompt needs them.
    const fields: Record<string, unknown> = {};
    row.cells.forEach((cell, i) => {
      fields[names[i]!] = cell;
    });
    return { line: row.line, fields };
  });
}

function jsonlItems(text: string, file: string): Array<Omit<MapItem, "id">> {
  const items: Array<Omit<MapItem, "id">> = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = index + 1;
    if (raw.trim() === "") return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (error) {
      throw new BatonError(
        "E_USAGE",
        `\`tasks\` ${file}: line ${line} is not JSON (${(error as Error).message}); each line holds one object`,
        { file, line },
      );
    }
    if (!isPlainObject(value))
      throw new BatonError(
        "E_USAGE",
        `\`tasks\` ${file}: line ${line}: expected a JSON object, got ${raw.slice(0, 60)}`,
        {
          file,
          line,
        },
      );
    items.push({ line, fields: value });
  });
  return items;
}

function withIds(items: Array<Omit<MapItem, "id">>, file: string, idField?: string): MapItem[] {
  const byId = new Map<string, number>();
  return items.map((item) => {
    let id = String(item.line);
    if (idField !== undefined) {
      const value = item.fields[idField];
      if (value === undefined || value === null || String(value).trim() === "")
        throw new BatonError(
          "E_USAGE",
          `${file}: the item on line ${item.line} has no "${idField}" (the \`idField\` field); its fields: ${Object.keys(item.fields).join(", ") || "none"}`,
          { file, line: item.line },
        );
      id = typeof value === "string" ? value : JSON.stringify(value);
    }
    const earlier = byId.get(id);
    if (earlier !== undefined)
      throw new BatonError(
        "E_USAGE",
        `${file}: lines ${earlier} and ${item.line} have the same id "${id}"; ids must be unique (choose another \`idField\` field)`,
        { file, line: item.line },
      );
    byId.set(id, item.line);
    return { id, ...item };
  });
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}
