import { z } from "zod";

export const UsageSchema = z.object({
  inputTokens: z.number().int().nonnegative(),
  cachedInputTokens: z.number().int().nonnegative(),
  outputTokens: z.number().int().nonnegative(),
  reasoningTokens: z.number().int().nonnegative(),
});
export type Usage = z.infer<typeof UsageSchema>;

export const ZERO_USAGE: Usage = {
  inputTokens: 0,
  cachedInputTokens: 0,
  outputTokens: 0,
  reasoningTokens: 0,
};

export function addUsage(a: Usage, b: Usage): Usage {
  return {
    inputTokens: a.inputTokens + b.inputTokens,
    cachedInputTokens: a.cachedInputTokens + b.cachedInputTokens,
    outputTokens: a.outputTokens + b.outputTokens,
    reasoningTokens: a.reasoningTokens + b.reasoningTokens,
  };
}

/** Codex reports usage cumulatively per thread: this turn's share is the difference, never negative. */
export function subtractUsage(total: Usage, previous: Usage): Usage {
  return {
    inputTokens: Math.max(0, total.inputTokens - previous.inputTokens),
    cachedInputTokens: Math.max(0, total.cachedInputTokens - previous.cachedInputTokens),
    outputTokens: Math.max(0, total.outputTokens - previous.outputTokens),
    reasoningTokens: Math.max(0, total.reasoningTokens - previous.reasoningTokens),
  };
}

/** Tokens that count against a budget: everything the model read fresh plus everything it wrote. */
export function totalTokens(u: Usage): number {
  return u.inputTokens + u.outputTokens;
}
