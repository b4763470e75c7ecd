import { BatonError } from "../errors.ts";
import { which } from "../util/which.ts";

export interface BinarySpec {
  /** What the user calls it, e.g. "the codex CLI". */
  label: string;
  /** A path or a name to look up on PATH. */
  wanted: string;
  /** Tried when `wanted` is not found (e.g. the copy in baton's own node_modules). */
  fallback?: string;
  /** The npm package that installs it and the variable that points at it. */
  npmPackage: string;
  envVar: string;
}

/** A memoised lookup of a worker CLI that fails with install advice (`E_BACKEND_MISSING`). */
export function binaryResolver(spec: BinarySpec): () => string {
  let resolved: string | undefined;
  return () => {
    resolved ??= which(spec.wanted) ?? (spec.fallback ? which(spec.fallback) : undefined);
    if (!resolved) {
      const where = spec.wanted.includes("/") ? "" : " on PATH";
      throw new BatonError(
        "E_BACKEND_MISSING",
        `${spec.label} was not found (looked for "${spec.wanted}"${where}). ` +
          `Install it with \`npm i -g ${spec.npmPackage}\`, or point ${spec.envVar} at the binary.`,
      );
    }
    return resolved;
  };
}
