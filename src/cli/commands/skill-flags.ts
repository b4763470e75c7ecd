import { BatonError } from "../../errors.ts";
import { type DeliverResult, formatReport, type OutputMode, type SkillSource } from "../../skills/index.ts";
import { EXIT } from "../exit-codes.ts";

export interface NewFlags {
  fromText?: string;
  fromConfig?: string;
  fromClaude?: string;
  fromPrompt?: string;
  mode?: OutputMode;
  out: string;
  force?: boolean;
  yes?: boolean;
  json?: boolean;
  minScore: string;
  emitConfig?: boolean;
}

export function parseMinScore(text: string): number {
  const value = Number(text);
  if (!/^\d+$/.test(text.trim()) || value > 100) {
    throw new BatonError("E_USAGE", `--min-score must be a whole number from 0 to 100, got "${text}"`);
  }
  return value;
}

export function sourceFromFlags(flags: NewFlags): SkillSource | undefined {
  const given: SkillSource[] = [];
  if (flags.fromText !== undefined) given.push({ kind: "text", text: flags.fromText });
  if (flags.fromConfig !== undefined) given.push({ kind: "config", file: flags.fromConfig });
  if (flags.fromClaude !== undefined) given.push({ kind: "claude", path: flags.fromClaude });
  if (flags.fromPrompt !== undefined) given.push({ kind: "prompt", file: flags.fromPrompt });
  if (given.length > 1) {
    throw new BatonError(
      "E_USAGE",
      "give only one of --from-text, --from-config, --from-claude, --from-prompt",
    );
  }
  if (given[0]?.kind === "text" && given[0].text.trim() === "") {
    throw new BatonError(
      "E_USAGE",
      '--from-text needs a description, e.g. --from-text "a 2-agent review skill"',
    );
  }
  return given[0];
}

/** Prints a delivery outcome and sets the exit code: 0 delivered, 1 blocked by validation. */
export function printDelivery(
  result: DeliverResult,
  json: boolean,
  extra: Record<string, unknown> = {},
): void {
  if (json) {
    process.stdout.write(
      `${JSON.stringify({ delivered: result.delivered, dir: result.dir, ...extra, report: result.report }, null, 2)}\n`,
    );
  } else {
    process.stderr.write(`${formatReport(result.report)}\n`);
    process.stdout.write(
      result.delivered && result.report.passed
        ? `Wrote ${result.dir} (score ${result.report.score}). Deploy it: baton skill deploy ${result.dir}\n`
        : result.delivered
          ? `Wrote ${result.dir} (score ${result.report.score}), but it does not pass validation yet: convert what is listed above, then run baton skill validate ${result.dir}\n`
          : `Not written: the package scored ${result.report.score} (minimum ${result.report.minScore})${result.report.autoFails.length > 0 ? " with auto-fail rules broken" : ""}. Fix the input and run again.\n`,
    );
  }
  process.exitCode = result.delivered ? EXIT.ok : EXIT.failed;
}
