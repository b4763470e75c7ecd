import type { MergedFinding } from "./result.ts";
import type { Finding, Severity } from "./worker-result.ts";

/** Most severe first: findings are ranked by it, reports sort by it. */
export const SEVERITY_RANK: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3, info: 4 };
const STOP = new Set([
  "the",
  "a",
  "an",
  "of",
  "in",
  "on",
  "to",
  "is",
  "and",
  "or",
  "for",
  "with",
  "not",
  "be",
  "when",
  "at",
  "it",
]);

function words(text: string): Set<string> {
  return new Set(
    text
      .toLowerCase()
      .split(/[^a-z0-9_]+/)
      .filter((w) => w.length > 1 && !STOP.has(w)),
  );
}

function similarity(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let shared = 0;
  for (const w of a) if (b.has(w)) shared++;
  return shared / (a.size + b.size - shared);
}

function samePlace(a: string, b: string): boolean {
  const norm = (s: string) => s.trim().toLowerCase().replace(/^\.\//, "");
  const [fa, la] = norm(a).split(":");
  const [fb, lb] = norm(b).split(":");
  if (!fa || !fb || fa !== fb) return false;
  return la === undefined || lb === undefined || Math.abs(Number(la) - Number(lb)) <= 3;
}

/** Two reports are one finding when they name the same place and say much the same, or say nearly the same. */
function isDuplicate(a: Finding, b: Finding): boolean {
  const s = similarity(words(`${a.title} ${a.recommendation}`), words(`${b.title} ${b.recommendation}`));
  const t = similarity(words(a.title), words(b.title));
  return (samePlace(a.location, b.location) && Math.max(s, t) >= 0.3) || t >= 0.6;
}

/**
 * Merges findings from several workers, ranked by severity, then by how many reported it. Two reports
 * of *different* workers are one finding when they are duplicates (`isDuplicate`); the highest
 * severity is kept and so is every distinct recommendation. Two findings of the *same* worker are never
 * folded: a reviewer that lists two things at one place means two things.
 */
export function mergeFindings(reports: Array<{ from: string; findings: Finding[] }>): MergedFinding[] {
  const merged: MergedFinding[] = [];
  for (const { from, findings } of reports) {
    for (const finding of findings) {
      const same = merged.find((m) => !m.reportedBy.includes(from) && isDuplicate(m, finding));
      if (!same) {
        merged.push({ ...finding, reportedBy: [from] });
        continue;
      }
      if (!same.reportedBy.includes(from)) same.reportedBy.push(from);
      if (SEVERITY_RANK[finding.severity] < SEVERITY_RANK[same.severity]) same.severity = finding.severity;
      if (!same.location && finding.location) same.location = finding.location;
      same.evidence = joinDistinct(same.evidence, finding.evidence);
      same.recommendation = joinDistinct(same.recommendation, finding.recommendation);
    }
  }
  return merged
    .map((m, index) => ({ m, index }))
    .sort(
      (x, y) =>
        SEVERITY_RANK[x.m.severity] - SEVERITY_RANK[y.m.severity] ||
        y.m.reportedBy.length - x.m.reportedBy.length ||
        x.index - y.index,
    )
    .map(({ m }) => m);
}

/** Both texts, unless one already says the other (ignoring case and spacing). */
function joinDistinct(kept: string, added: string): string {
  const norm = (t: string) => t.toLowerCase().replace(/\s+/g, " ").trim();
  if (!added || norm(kept).includes(norm(added))) return kept;
  if (!kept || norm(added).includes(norm(kept))) return added;
  return `${kept}; ${added}`;
}
