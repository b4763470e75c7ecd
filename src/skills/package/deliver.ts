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
 * when it scores at least `minScore` (never below the seed's 70) with no auto-fail (save those in
 * `tolerate`; the report still says the package fails).
 * Nothing is left behind when it is refused.
 */
export async function deliverPackage(
  files: PackageFiles,
  targetDir: string,
  options: {
    overwrite: boolean;
    minScore?: number | undefined;
    /** Auto-fail rule ids that do not stop delivery (a conversion that reports what it left). */
    tolerate?: readonly string[];
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
  const tolerated = options.tolerate ?? [];
  const blocking = report.autoFails.filter((a) => !tolerated.includes(a.id));
  if (report.score < minScore || blocking.length > 0) {
    await discardStaged(staging);
    return { dir: targetDir, delivered: false, report };
  }
  await commitStaged(staging, targetDir, options.overwrite);
  return { dir: targetDir, delivered: true, report };
}
