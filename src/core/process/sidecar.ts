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

function sweep(): void {
  // Give the owner's own exit handler a moment; then sweep until nothing of the owner's is left.
  setTimeout(() => {
    for (let round = 0; round < 5; round++) if (reapOrphans(prefix) === 0) break;
    process.exit(0);
  }, 50);
}
