import { RATE_LIMIT_DEFAULTS } from "./defaults.ts";

export interface RateLimitOptions {
  /** Re-queues of one turn before it ends as `rate_limited`. Default 5. */
  maxRetries?: number;
  /** First backoff; doubles per retry, with up to 50% random jitter. Default 1000 ms. */
  baseDelayMs?: number;
  /** Longest backoff (a longer retry-after hint is still honoured). Default 60000 ms. */
  maxDelayMs?: number;
}

/** The delay before re-running a turn for the `retry`-th time (1-based), or undefined when retries are used up. */
export function backoffDelayMs(
  retry: number,
  limits: RateLimitOptions,
  retryAfterMs: number | undefined,
  random: () => number = Math.random,
): number | undefined {
  if (retry > (limits.maxRetries ?? RATE_LIMIT_DEFAULTS.maxRetries)) return undefined;
  const base = (limits.baseDelayMs ?? RATE_LIMIT_DEFAULTS.baseDelayMs) * 2 ** (retry - 1);
  const backoff = Math.min(limits.maxDelayMs ?? RATE_LIMIT_DEFAULTS.maxDelayMs, base) * (1 + random() * 0.5);
  return Math.round(Math.max(backoff, retryAfterMs ?? 0));
}
