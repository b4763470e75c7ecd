import { appendFileSync, existsSync, mkdirSync, readFileSync, truncateSync } from "node:fs";
import { dirname, extname } from "node:path";
import { z } from "zod";
import { UsageSchema } from "../core/usage.ts";
import { BatonError } from "../errors.ts";
import { csvLine, parseCsv } from "./csv.ts";

/** One result line per item: what `--out` holds, keyed by the item's id. */
export const MapResultSchema = z.object({
  id: z.string(),
  status: z.enum(["ok", "failed"]),
  /** The item's line in the task list. */
  line: z.number().int(),
  /** The answer checked against the output schema (with a schema). */
  result: z.unknown().optional(),
  /** The final message as it came (without a schema). */
  answer: z.string().optional(),
  /** Why the item failed. */
  error: z.string().optional(),
  endReason: z.string().optional(),
  /** Agents the item took (1, more after retries). */
  attempts: z.number().int(),
  /** The agent whose record holds the item's turns. */
  agentId: z.string(),
  usage: UsageSchema,
});
export type MapResult = z.infer<typeof MapResultSchema>;

/**
 * The results file, written one line per finished item (JSON Lines, or CSV with a header), appended
 * and never rewritten, so a killed map keeps every line it wrote and a resume knows what is done.
 */
export class ResultsFile {
  readonly file: string;
  readonly format: "jsonl" | "csv";
  /** Ids already in the file (from an earlier, interrupted map) and their status. */
  readonly done = new Map<string, MapResult["status"]>();
  readonly #columns: string[];

  constructor(file: string, schema?: Record<string, unknown>) {
    this.file = file;
    const ext = extname(file).toLowerCase();
    if (ext !== ".jsonl" && ext !== ".csv")
      throw new BatonError(
        "E_USAGE",
        `\`out\` ${file}: expected a .jsonl or .csv file, got "${ext || "no extension"}"`,
        {
          file,
        },
      );
    this.format = ext === ".csv" ? "csv" : "jsonl";
    this.#columns = ["id", "status", "line", "attempts", "error", ...resultColumns(schema)];
    mkdirSync(dirname(file), { recursive: true });
    if (existsSync(file)) this.#readBack();
    else if (this.format === "csv") appendFileSync(file, `${csvLine(this.#columns)}\n`);
  }

  append(row: MapResult): void {
    if (this.done.has(row.id)) return; // written once per item, even if its turn ran twice
    this.done.set(row.id, row.status);
    appendFileSync(this.file, `${this.format === "csv" ? csvLine(this.#cells(row)) : JSON.stringify(row)}\n`);
  }

  #cells(row: MapResult): string[] {
    const result = row.result;
    const fields = typeof result === "object" && result !== null && !Array.isArray(result) ? result : {};
    return this.#columns.map((column) => {
      switch (column) {
        case "id":
          return row.id;
        case "status":
          return row.status;
        case "line":
          return String(row.line);
        case "attempts":
          return String(row.attempts);
        case "error":
          return row.error ?? "";
        case "answer":
          return row.answer ?? "";
        case "result":
          return result === undefined ? "" : JSON.stringify(result);
        default: {
          const value = (fields as Record<string, unknown>)[column];
          return value === undefined ? "" : typeof value === "string" ? value : JSON.stringify(value);
        }
      }
    });
  }

  #readBack(): void {
    const text = readFileSync(this.file, "utf8");
    // A line cut off by a crash is dropped; its item runs again.
    const complete = text.endsWith("\n") || text === "" ? text : text.slice(0, text.lastIndexOf("\n") + 1);
    if (complete.length !== text.length) truncateSync(this.file, Buffer.byteLength(complete));
    if (this.format === "jsonl") {
      for (const line of complete.split("\n")) {
        if (line.trim() === "") continue;
        const row = MapResultSchema.safeParse(safeJson(line));
        if (row.success) this.done.set(row.data.id, row.data.status);
      }
      return;
    }
    const [header, ...rows] = parseCsv(complete, this.file);
    if (!header) {
      appendFileSync(this.file, `${csvLine(this.#columns)}\n`);
      return;
    }
    if (header.cells.join(",") !== this.#columns.join(","))
      throw new BatonError(
        "E_USAGE",
        `\`out\` ${this.file}: its columns (${header.cells.join(", ")}) are not this map's (${this.#columns.join(", ")}); choose another \`out\` file`,
        { file: this.file },
      );
    for (const row of rows) this.done.set(row.cells[0]!, row.cells[1] === "ok" ? "ok" : "failed");
  }
}

/** CSV columns for the answer: one per top-level schema property, else the JSON or text itself. */
function resultColumns(schema?: Record<string, unknown>): string[] {
  if (!schema) return ["answer"];
  const properties = schema.properties;
  if (schema.type === "object" && typeof properties === "object" && properties !== null) {
    const names = Object.keys(properties).filter(
      (n) => !["id", "status", "line", "attempts", "error"].includes(n),
    );
    if (names.length > 0) return names;
  }
  return ["result"];
}

function safeJson(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}
