import type { BatonError } from "../errors.ts";

/** Exit codes every baton command uses. */
export const EXIT = { ok: 0, failed: 1, usage: 2, partial: 3, interrupted: 130 } as const;

export function exitCodeFor(error: BatonError): number {
  switch (error.code) {
    case "E_USAGE":
    case "E_CONFIG":
    // Not a failure of the work: someone else holds it (e.g. a second resume of a running run).
    case "E_BUSY":
      return EXIT.usage;
    case "E_INTERRUPTED":
      return EXIT.interrupted;
    default:
      return EXIT.failed;
  }
}
