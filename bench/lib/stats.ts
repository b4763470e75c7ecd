/** Small statistics helpers for benchmark samples (all in the unit they are given in). */

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** Linear interpolation between the two nearest ranks (the same as numpy's default). */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (rank - low);
}

export interface Summary {
  n: number;
  p50: number;
  p90: number;
  p99: number;
  min: number;
  max: number;
  mean: number;
}

export function summarize(values: readonly number[]): Summary {
  const mean = values.reduce((sum, v) => sum + v, 0) / values.length;
  return {
    n: values.length,
    p50: percentile(values, 50),
    p90: percentile(values, 90),
    p99: percentile(values, 99),
    min: Math.min(...values),
    max: Math.max(...values),
    mean,
  };
}

/** Rounds for display and JSON: keeps 3 significant decimals below 10, 1 decimal above. */
export function round(value: number): number {
  if (!Number.isFinite(value)) return value;
  const digits = Math.abs(value) < 10 ? 3 : Math.abs(value) < 1000 ? 1 : 0;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export function fmt(value: number, unit = ""): string {
  if (!Number.isFinite(value)) return "–";
  return `${round(value)}${unit ? ` ${unit}` : ""}`;
}

export function fmtRatio(value: number): string {
  return Number.isFinite(value) ? `${value.toFixed(3)}×` : "–";
}

export function fmtPercent(value: number): string {
  return Number.isFinite(value) ? `${value >= 0 ? "+" : ""}${(value * 100).toFixed(1)}%` : "–";
}
