import type { Backend } from "../backends/types.ts";
import { BatonError } from "../errors.ts";

/**
 * The submitter's stand-in for a backend that runs on the fleet: the pool only needs its name (the
 * queue its turns go to). Workers have the real backend; nothing runs here.
 */
export function remoteBackend(name: string): Backend {
  const here = (): never => {
    throw new BatonError(
      "E_USAGE",
      `backend "${name}" runs on the worker fleet; give the pool the fleet's turns (Fleet.turns) to start its turns`,
    );
  };
  return {
    name,
    resolve: () => `fleet:${name}`,
    command: here,
    parser: here,
  };
}
