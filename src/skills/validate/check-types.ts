import type { ConstructHit } from "../parse/claude-constructs.ts";
import type { FileCode, ToolCall } from "./code-analysis.ts";
import type { SkillPackage } from "./package-read.ts";

export type CheckCategory = "structural" | "pattern" | "content";

export interface CheckResult {
  pass: boolean;
  /** Why it passed or failed, in one sentence. */
  reason: string;
  /** file:line of each offending place. */
  locations?: string[];
}

export interface Check {
  id: string;
  category: CheckCategory;
  points: number;
  title: string;
  run: (ctx: CheckContext) => CheckResult;
}

export interface AutoFailRule {
  id: string;
  title: string;
  /** Returns the failure, or undefined when the rule holds. */
  run: (ctx: CheckContext) => CheckResult;
}

/** Everything the checks look at, computed once per package. */
export interface CheckContext {
  pkg: SkillPackage;
  files: FileCode[];
  spawns: ToolCall[];
  waits: ToolCall[];
  sends: ToolCall[];
  closes: ToolCall[];
  constructs: ConstructHit[];
  /** Codex's built-in agent types plus every role the package defines or registers as existing. */
  knownRoles: Set<string>;
}

export const at = (call: { file: string; line: number }): string => `${call.file}:${call.line}`;

export function pass(reason: string): CheckResult {
  return { pass: true, reason };
}

export function fail(reason: string, locations: string[] = []): CheckResult {
  return { pass: false, reason, ...(locations.length > 0 ? { locations } : {}) };
}

/** "3 items (a, b, c)" with at most `max` names shown. */
export function listed(items: readonly string[], max = 5): string {
  const shown = items.slice(0, max).join(", ");
  return items.length > max ? `${shown}, … (${items.length} in all)` : shown;
}
