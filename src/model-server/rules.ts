import type { ParsedRequest } from "./responses-api.ts";
import { type ModelScript, matchesText, type ScriptAction, type ScriptRule } from "./script.ts";

export interface Choice {
  rule: number | "default";
  step: number;
  action: ScriptAction;
}

/**
 * Picks the answer to each request: the first rule whose conditions hold. Keeps the `times` counters,
 * so use one chooser per server. A multi-step rule counts once per run (its step 0), so `times: 1`
 * lets one run of all its steps through.
 */
export function createRuleChooser(script: ModelScript): (request: ParsedRequest) => Choice {
  const used = new Array<number>(script.rules.length).fill(0);

  return (request) => {
    for (const [index, rule] of script.rules.entries()) {
      if (rule.match !== undefined && !matchesText(rule.match, request.lastUserText)) continue;
      if (rule.contains !== undefined && !matchesText(rule.contains, request.allInputText)) continue;
      const action = actionFor(rule, request.step);
      if (!action) continue;
      const counts = !rule.steps || request.step === 0;
      if (counts && rule.times !== undefined && used[index]! >= rule.times) continue;
      if (counts) used[index]!++;
      return { rule: index, step: request.step, action };
    }
    return { rule: "default", step: request.step, action: script.default };
  };
}

function actionFor(rule: ScriptRule, step: number): ScriptAction | undefined {
  if (!rule.steps) return rule;
  const own = rule.steps[step];
  if (!own) return undefined;
  // Rule-level settings are defaults for every step.
  return {
    ...(rule.delayMs !== undefined ? { delayMs: rule.delayMs } : {}),
    ...(rule.reasoning !== undefined ? { reasoning: rule.reasoning } : {}),
    ...(rule.usage !== undefined ? { usage: rule.usage } : {}),
    ...own,
  };
}
