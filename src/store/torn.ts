import { closeSync, fstatSync, fsyncSync, ftruncateSync, openSync, readSync, writeSync } from "node:fs";
import { writePrivateFile } from "./private-fs.ts";

export interface JournalRepair {
  /** What was done to the tail: nothing, a missing newline added, or a torn line cut off. */
  action: "none" | "newline" | "cut";
  /** Where the cut-off bytes were kept (`journal.jsonl.torn-<ms>`), for a person to look at. */
  keptAside?: string;
}

/**
 * Makes a journal end in a newline before anything is appended. A kill mid-append leaves a line
 * without its newline: if that line is whole JSON only the newline is missing and it is added;
 * otherwise the torn bytes are moved to `<file>.torn-<ms>` and the file is cut back to its last
 * complete line. Without this the next append would glue onto the torn line and damage both.
 */
export function repairJournal(file: string): JournalRepair {
  const fd = openSync(file, "r+");
  try {
    const size = fstatSync(fd).size;
    if (size === 0) return { action: "none" };
    const text = Buffer.alloc(size);
    readSync(fd, text, 0, size, 0);
    if (text[size - 1] === 0x0a) return { action: "none" };
    const start = text.lastIndexOf(0x0a) + 1;
    const torn = text.subarray(start);
    if (isJson(torn.toString("utf8"))) {
      writeSync(fd, "\n", size);
      fsyncSync(fd);
      return { action: "newline" };
    }
    const keptAside = `${file}.torn-${Date.now()}`;
    writePrivateFile(keptAside, torn.toString("utf8"));
    ftruncateSync(fd, start);
    fsyncSync(fd);
    return { action: "cut", keptAside };
  } finally {
    closeSync(fd);
  }
}

/**
 * A line an older baton appended onto a torn one (`{"v":1,"seq":7,…{"v":1,"seq":8,…}`): the last
 * whole entry in it, or undefined when there is none.
 */
export function salvageLine(line: string): unknown {
  for (let at = line.lastIndexOf('{"v":'); at > 0; at = line.lastIndexOf('{"v":', at - 1)) {
    try {
      return JSON.parse(line.slice(at));
    } catch {}
  }
  return undefined;
}

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
