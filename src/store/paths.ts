import { randomBytes } from "node:crypto";
import { join, resolve } from "node:path";

/** Where baton keeps its state: `$BATON_HOME`, else `.baton/` in the working directory. */
export function batonHome(cwd = process.cwd()): string {
  return process.env.BATON_HOME ? resolve(process.env.BATON_HOME) : join(cwd, ".baton");
}

export function runsDir(home = batonHome()): string {
  return join(home, "runs");
}

export function runDir(runId: string, home = batonHome()): string {
  return join(runsDir(home), runId);
}

/** Sortable and unique: `20261122-071502-a3f9`. */
export function newRunId(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, "").replace("T", "-").slice(0, 15);
  return `${stamp}-${randomBytes(2).toString("hex")}`;
}
