import type { BatonError } from "../errors.ts";

import { EXIT } from "../exit-codes.ts";

export { EXIT } from "../exit-codes.ts";

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
