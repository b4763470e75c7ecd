import type { PatternName } from "../result.ts";
import { options } from "./options.ts";
import { research } from "./research.ts";
import { review } from "./review.ts";
import { reviewFix } from "./review-fix.ts";
import { scout } from "./scout.ts";
import type { Pattern } from "./shared.ts";
import { split } from "./split.ts";

export const PATTERN_RUNNERS: Record<PatternName, Pattern> = {
  review,
  "review-fix": reviewFix,
  scout,
  split,
  research,
  options,
};
