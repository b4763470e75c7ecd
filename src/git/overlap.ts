/**
 * Overlap prediction for writers, before they are dispatched. A scope entry is a path (`src/a.ts`),
 * a directory (`src/core`, covering everything under it) or a simple glob (`*` and `?` within one
 * segment, `**` for any number of segments: `docs/*.md`, `test/**`). Two entries overlap
 * when some path is covered by both — so a path overlaps the directories above it and the globs that
 * match it. A writer without a scope may touch anything: it overlaps every other writer.
 */

type Segments = string[];

/** `./src//core/` → `["src", "core", "**"]`: an entry covers itself and everything under it. */
function segmentsOf(entry: string): Segments {
  const parts = entry
    .replace(/\\/g, "/")
    .split("/")
    .filter((p) => p !== "" && p !== ".");
  return [...parts, "**"];
}

/**
 * Whether some sequence matches both patterns `a` and `b`, where a `wild` element stands for zero or
 * more elements and two plain elements must fit (`fits`). Memoised over positions, so it is O(|a|·|b|).
 */
function patternsMeet<T>(a: ArrayLike<T>, b: ArrayLike<T>, wild: T, fits: (x: T, y: T) => boolean): boolean {
  const seen = new Set<number>();
  const width = b.length + 1;
  const visit = (i: number, j: number): boolean => {
    const key = i * width + j;
    if (seen.has(key)) return false;
    seen.add(key);
    if (i === a.length && j === b.length) return true;
    if (a[i] === wild && (visit(i + 1, j) || (j < b.length && visit(i, j + 1)))) return true;
    if (b[j] === wild && (visit(i, j + 1) || (i < a.length && visit(i + 1, j)))) return true;
    if (i < a.length && j < b.length && a[i] !== wild && b[j] !== wild && fits(a[i]!, b[j]!)) {
      return visit(i + 1, j + 1);
    }
    return false;
  };
  return visit(0, 0);
}

/** Whether one string can match both single-segment patterns (`*` any run, `?` one character). */
function segmentsMeet(a: string, b: string): boolean {
  return patternsMeet(a, b, "*", (x, y) => x === "?" || y === "?" || x === y);
}

/** Whether some path matches both segment lists (`**` stands for zero or more segments). */
function pathsMeet(a: Segments, b: Segments): boolean {
  return patternsMeet(a, b, "**", segmentsMeet);
}

/** Whether two scope entries can cover the same path. */
export function entriesOverlap(a: string, b: string): boolean {
  return pathsMeet(segmentsOf(a), segmentsOf(b));
}

/** Whether two writers' scopes overlap; an absent or empty scope overlaps everything. */
export function scopesOverlap(a: string[] | undefined, b: string[] | undefined): boolean {
  if (!a?.length || !b?.length) return true;
  return a.some((x) => b.some((y) => entriesOverlap(x, y)));
}

export interface WriterSchedule {
  /**
   * Indexes of writers, in waves: the writers of a wave run at once; a writer comes after every
   * earlier writer (in the given order) whose scope overlaps its own, so it starts from their merged work.
   */
  waves: number[][];
  /** Pairs of writer indexes predicted to overlap. */
  overlaps: Array<[number, number]>;
}

export function scheduleWriters(scopes: Array<string[] | undefined>): WriterSchedule {
  const wave: number[] = [];
  const overlaps: Array<[number, number]> = [];
  scopes.forEach((scope, i) => {
    let w = 0;
    for (let j = 0; j < i; j++) {
      if (!scopesOverlap(scopes[j], scope)) continue;
      overlaps.push([j, i]);
      w = Math.max(w, wave[j]! + 1);
    }
    wave.push(w);
  });
  const waves: number[][] = [];
  wave.forEach((w, i) => {
    waves[w] = [...(waves[w] ?? []), i];
  });
  return { waves, overlaps };
}
