import { basename } from "node:path";
import { DEFAULT_MIN_SCORE, type ValidationReport, validatePackage } from "../validate/validate.ts";
import { commitStaged, discardStaged, type PackageFiles, stageFiles } from "./write.ts";

export interface DeliverResult {
  dir: string;
  delivered: boolean;
  report: ValidationReport;
}

/**
 * Writes a package to a staging directory, validates it there, and moves it to `targetDir` only
 * when it scores at least `minScore` (never below the seed's 70) with no auto-fail, or `always`.
 * Nothing is left behind when it is refused.
 */
export async function deliverPackage(
  files: PackageFiles,
  targetDir: string,
  options: {
    overwrite: boolean;
    minScore?: number | undefined;
    /** Write even when validation fails (a conversion: the report says what is left); the report still fails. */
    always?: boolean;
  },
): Promise<DeliverResult> {
  const minScore = Math.max(DEFAULT_MIN_SCORE, options.minScore ?? DEFAULT_MIN_SCORE);
  const staging = await stageFiles(targetDir, files);
  let report: ValidationReport;
  try {
    report = await validatePackage(staging, { minScore, expectedName: basename(targetDir) });
  } catch (error) {
    await discardStaged(staging);
    throw error;
  }
  report.dir = targetDir;
  if (!report.passed && !options.always) {
    await discardStaged(staging);
    return { dir: targetDir, delivered: false, report };
  }
  await commitStaged(staging, targetDir, options.overwrite);
  return { dir: targetDir, delivered: true, report };
}
