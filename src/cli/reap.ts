import { reapOrphans } from "../core/process/reap.ts";

/**
 * Commands that start workers first kill workers left behind by a baton process that was killed
 * (SIGKILL, power loss) and whose sidecar died with it. `BATON_NO_REAP=1` turns that off.
 */
export function reapLeftovers(): void {
  if (process.env.BATON_NO_REAP !== "1") reapOrphans();
}
