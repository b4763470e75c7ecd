import { setImmediate as nextTurn } from "node:timers/promises";

const MB = 1e6;

/**
 * Heap and off-heap (Buffer) memory in use after full collections, in MB. Needs `--expose-gc`;
 * collects twice with a loop turn between, as Buffer memory is released after the GC that freed it.
 */
export async function liveMb(): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) {
    gc();
    await nextTurn();
    gc();
  }
  const m = process.memoryUsage();
  // `external` already includes `arrayBuffers`.
  return (m.heapUsed + m.external) / MB;
}

export function rssMb(): number {
  return process.memoryUsage().rss / MB;
}
