import type * as BullMQ from "bullmq";
import type * as IORedis from "ioredis";
import { BatonError } from "../errors.ts";

/** The fleet's Redis packages, versions as pinned in package.json's peerDependencies. */
export const FLEET_PACKAGES = "bullmq@6.7.0 ioredis@5.11.1";

export interface FleetDeps {
  Queue: typeof BullMQ.Queue;
  Worker: typeof BullMQ.Worker;
  Redis: typeof IORedis.Redis;
}

/**
 * Loads bullmq and ioredis on first use of `--queue` or `baton worker`. They are optional peer
 * dependencies: most users never run a fleet, and the two (with luxon and msgpackr) are a third of the
 * installed size. Node finds a global install of them next to a global baton.
 */
export async function loadFleetDeps(): Promise<FleetDeps> {
  try {
    const [bullmq, ioredis] = await Promise.all([import("bullmq"), import("ioredis")]);
    return { Queue: bullmq.Queue, Worker: bullmq.Worker, Redis: ioredis.Redis };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ERR_MODULE_NOT_FOUND") throw error;
    throw new BatonError(
      "E_BACKEND_MISSING",
      `the worker fleet (\`queue\`, baton worker) needs the optional packages ${FLEET_PACKAGES}, which are not installed: ` +
        `run "npm install -g ${FLEET_PACKAGES}" next to a global baton, or "npm install ${FLEET_PACKAGES}" in the project that depends on it`,
      { cause: error },
    );
  }
}
