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
      "--rehearse with --queue: the workers run the turns, so start them with `baton worker --rehearse`",
    );
  const connection = parseQueueUrl(url);
  const fleet = await Fleet.connect({ connection });
  const workers = (await fleet.workers()).filter((w) => w.backends.includes(launch.backend));
  if (workers.length === 0)
    warn(
      `no worker for backend ${launch.backend} is connected to ${connection.display} yet; the turns wait in the queue ` +
        `(start one with: baton worker --queue ${connection.display} --backend ${launch.backend})`,
    );
  return { fleet, backend: remoteBackend(launch.backend), display: connection.display };
}
