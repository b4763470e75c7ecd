import { buildCheckContext } from "./check-context.ts";
import type { CheckCategory, CheckResult } from "./check-types.ts";
import { AUTO_FAIL_RULES } from "./checks-autofail.ts";
import { CONTENT_CHECKS } from "./checks-content.ts";
import { PATTERN_CHECKS } from "./checks-pattern.ts";
import { STRUCTURAL_CHECKS } from "./checks-structural.ts";
import { readPackage } from "./package-read.ts";

/** The seed's gate: a package below this score is not delivered. */
export const DEFAULT_MIN_SCORE = 70;

export const CHECKS = [...STRUCTURAL_CHECKS, ...PATTERN_CHECKS, ...CONTENT_CHECKS];

export interface CheckReport extends CheckResult {
  id: string;
  category: CheckCategory;
  title: string;
  points: number;
  earned: number;
}

export interface AutoFailReport extends CheckResult {
  id: string;
  title: string;
}

export interface ValidationReport {
  dir: string;
  mode: "structured" | "single";
  /** 0–100: the sum of the points of the passed checks (structural 30, pattern 40, content 30). */
  score: number;
  categories: Record<CheckCategory, { earned: number; points: number }>;
  checks: CheckReport[];
  autoFails: AutoFailReport[];
  minScore: number;
  passed: boolean;
}

/**
 * Validates a package directory: every weighted check and auto-fail rule, computed on the parsed files.
 * @example const report = await validatePackage(".agents/skills/code-review"); report.score // 94
 */
export async function validatePackage(
  dir: string,
  options: { minScore?: number; expectedName?: string } = {},
): Promise<ValidationReport> {
  const pkg = await readPackage(dir, options.expectedName);
  const ctx = buildCheckContext(pkg);
  const checks: CheckReport[] = CHECKS.map((check) => {
    const result = check.run(ctx);
    return {
      id: check.id,
      category: check.category,
      title: check.title,
      points: check.points,
      earned: result.pass ? check.points : 0,
      ...result,
    };
  });
  const autoFails = AUTO_FAIL_RULES.map((rule) => ({
    id: rule.id,
    title: rule.title,
    ...rule.run(ctx),
  })).filter((r) => !r.pass);
  const categories = {
    structural: { earned: 0, points: 0 },
    pattern: { earned: 0, points: 0 },
    content: { earned: 0, points: 0 },
  };
  for (const check of checks) {
    categories[check.category].points += check.points;
    categories[check.category].earned += check.earned;
  }
  const score = checks.reduce((sum, c) => sum + c.earned, 0);
  const minScore = options.minScore ?? DEFAULT_MIN_SCORE;
  return {
    dir,
    mode: pkg.mode,
    score,
    categories,
    checks,
    autoFails,
    minScore,
    passed: score >= minScore && autoFails.length === 0,
  };
}

/** A human report: one line per check, reasons and locations for failures. */
export function formatReport(report: ValidationReport): string {
  const lines = [`Validation of ${report.dir} (${report.mode} package)`];
  let category: CheckCategory | undefined;
  for (const check of report.checks) {
    if (check.category !== category) {
      category = check.category;
      const c = report.categories[category];
      lines.push("", `${category[0]!.toUpperCase()}${category.slice(1)} ${c.earned}/${c.points}`);
    }
    lines.push(
      `  ${check.pass ? "✓" : "✗"} ${String(check.earned).padStart(2)}/${check.points} ${check.title} — ${check.reason}`,
    );
    if (!check.pass) for (const loc of (check.locations ?? []).slice(0, 8)) lines.push(`        at ${loc}`);
  }
  if (report.autoFails.length > 0) {
    lines.push("", "Auto-fail (fails whatever the score):");
    for (const rule of report.autoFails) {
      lines.push(`  ✗ ${rule.title} — ${rule.reason}`);
      for (const loc of (rule.locations ?? []).slice(0, 8)) lines.push(`        at ${loc}`);
    }
  }
  lines.push(
    "",
    `Score ${report.score}/100 (minimum ${report.minScore})${report.autoFails.length > 0 ? `, ${report.autoFails.length} auto-fail` : ""}: ${report.passed ? "PASSED" : "FAILED"}`,
  );
  return lines.join("\n");
}
