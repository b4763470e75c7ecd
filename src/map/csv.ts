import { BatonError } from "../errors.ts";

/** One parsed CSV record and the line it starts on (1-based), so errors can point at it. */
export interface CsvRecord {
  line: number;
  cells: string[];
}

/**
 * RFC 4180 CSV: comma-separated, `"` quotes a cell, `""` is a quote inside one, quoted cells may hold
 * commas and newlines; CRLF or LF line ends; a blank line is skipped.
 */
export function parseCsv(text: string, file: string): CsvRecord[] {
  const records: CsvRecord[] = [];
  let cells: string[] = [];
  let cell = "";
  let quoted = false;
  let line = 1;
  let start = 1;
  let sawAny = false;
  const endRecord = () => {
    if (sawAny || cells.length > 0 || cell !== "") {
      cells.push(cell);
      records.push({ line: start, cells });
    }
    cells = [];
    cell = "";
    sawAny = false;
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else {
        if (c === "\n") line++;
        cell += c;
      }
    } else if (c === '"' && cell === "") {
      quoted = true;
      sawAny = true;
    } else if (c === ",") {
      cells.push(cell);
      cell = "";
      sawAny = true;
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      endRecord();
      line++;
      start = line;
    } else cell += c;
  }
  if (quoted)
    throw new BatonError(
      "E_USAGE",
      `${file}: line ${start}: a quoted cell is never closed; close it with a " (a quote inside a cell is written "")`,
      { file, line: start },
    );
  endRecord();
  return records;
}

/** One CSV line (without its line end): cells with a comma, quote or line break are quoted. */
export function csvLine(cells: readonly string[]): string {
  return cells.map((c) => (/[",\r\n]/.test(c) ? `"${c.replaceAll('"', '""')}"` : c)).join(",");
}
