/**
 * Runs as a separate process next to a baton process (the owner), reading a pipe from it. When the
 * pipe closes the owner is gone — possibly by SIGKILL, when no handler of its own could run — and the
 * sidecar kills every worker process tagged with the owner's id, then exits.
 */
import { reapOrphans } from "./reap.ts";

const owner = process.argv[2];
if (!owner || !/^\d+\.\d+$/.test(owner)) process.exit(2);

process.stdin.resume();
process.stdin.on("data", () => {});
process.stdin.on("end", sweep);
process.stdin.on("error", sweep);

function sweep(): void {
  // Give the owner's own exit handler a moment; then sweep until nothing of the owner's is left.
  setTimeout(() => {
    for (let round = 0; round < 5; round++) if (reapOrphans(owner) === 0) break;
    process.exit(0);
  }, 50);
}
