/** Exit codes every baton command uses; a run's status maps to one (`runTask` returns it as `exitCode`). */
export const EXIT = { ok: 0, failed: 1, usage: 2, partial: 3, interrupted: 130 } as const;
