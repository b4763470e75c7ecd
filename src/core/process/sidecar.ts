/**
 * Runs as a separate process next to a baton process (the owner), reading a pipe from its
 * supervisor. When the pipe closes the supervisor is gone — disposed, or its process died, possibly by
 * SIGKILL, when no handler of its own could run — and the sidecar kills every process tagged with
 * the supervisor's id whose owner is dead, then exits. A live owner's processes are never touched.
 */
import { reapOrphans } from "./reap.ts";

const prefix = process.argv[2];
if (!prefix || !/^\d+\.\d+:[0-9a-f]+\.$/.test(prefix)) process.exit(2);

process.stdin.resume();
process.stdin.on("data", () => {});
process.stdin.on("end", sweep);
process.stdin.on("error", sweep);

/** Rounds of the sweep, QUIET_ROUNDS of them empty in a row to finish, ROUND_MS apart. */
const MAX_ROUNDS = 40;
const QUIET_ROUNDS = 2;
const ROUND_MS = 25;

function sweep(): void {
  // Give the owner's own exit handler a moment; then sweep until nothing of the owner's is left. One
  // empty round is not enough: a child its killed parent was starting may be between fork and exec,
  // its tag unreadable for that instant, and then run on (tagged, ownerless) after a sidecar that left.
  let round = 0;
  let quiet = 0;
  const next = () => {
    quiet = reapOrphans(prefix) === 0 ? quiet + 1 : 0;
    if (quiet >= QUIET_ROUNDS || ++round >= MAX_ROUNDS) process.exit(0);
    setTimeout(next, ROUND_MS);
  };
  setTimeout(next, 50);
}
