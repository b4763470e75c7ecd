import { POOL_DEFAULTS } from "../defaults.ts";

export interface WatchdogLimits {
  /** Whole deadline; 0 or absent: none. */
  timeoutMs?: number;
  /** No sign of life for this long; 0 or absent: off. */
  stallTimeoutMs?: number;
}

/**
 * A deadline and a stall watchdog around one piece of work. `touch()` is a sign of life; `clear()`
 * ends the watch. `stop` gets the reason and the short grace of a watchdog kill (the work overran).
 */
export function watchdog(
  limits: WatchdogLimits,
  stop: (reason: "timed_out" | "stalled", graceMs: number) => void,
): { touch(): void; clear(): void } {
  const grace = POOL_DEFAULTS.watchdogGraceMs;
  const timers: NodeJS.Timeout[] = [];
  let lastSignOfLife = Date.now();
  if (limits.timeoutMs && limits.timeoutMs > 0) {
    timers.push(setTimeout(() => stop("timed_out", grace), limits.timeoutMs));
  }
  if (limits.stallTimeoutMs && limits.stallTimeoutMs > 0) {
    const stallMs = limits.stallTimeoutMs;
    const tick = Math.max(10, Math.min(1_000, Math.floor(stallMs / 4)));
    timers.push(
      setInterval(() => {
        if (Date.now() - lastSignOfLife >= stallMs) stop("stalled", grace);
      }, tick),
    );
  }
  return {
    touch: () => {
      lastSignOfLife = Date.now();
    },
    clear: () => {
      for (const t of timers) clearTimeout(t);
    },
  };
}
