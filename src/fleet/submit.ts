import type { Backend } from "../backends/types.ts";
import { BatonError } from "../errors.ts";
import { parseQueueUrl } from "./connection.ts";
import { Fleet } from "./fleet.ts";
import { remoteBackend } from "./remote-backend.ts";

/**
 * What `--queue` gives a command: the fleet connection, and the backend stand-in its pool dispatches
 * through. Says so when no worker runs that backend yet (the turns wait for one).
 */
export async function submitToFleet(
  url: string,
  launch: { backend: string; rehearse?: boolean },
  warn: (line: string) => void,
): Promise<{ fleet: Fleet; backend: Backend; display: string }> {
  if (launch.rehearse)
    throw new BatonError(
      "E_USAGE",
      "`rehearse` with `queue`: the workers run the turns, so start them with `baton worker --rehearse`",
    );
  if (launch.backend === "codex-app")
    throw new BatonError(
      "E_USAGE",
      "`queue` runs process backends on the workers; codex-app keeps one session process per machine: use `backend` codex-exec",
    );
  // The workers run codex as `codex exec`, whichever name the submitter used: the queue is `turns-codex`.
  const name = launch.backend === "codex-exec" ? "codex" : launch.backend;
  const connection = parseQueueUrl(url);
  const fleet = await Fleet.connect({ connection, log: warn });
  const workers = (await fleet.workers()).filter((w) => w.backends.includes(name));
  if (workers.length === 0)
    warn(
      `no worker for backend ${name} is connected to ${connection.display} yet; the turns wait in the queue ` +
        `(start one with: baton worker --queue ${connection.display} --backend ${name})`,
    );
  return { fleet, backend: remoteBackend(name), display: connection.display };
}
