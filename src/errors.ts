import { z } from "zod";

/** Every error code of baton; the comment says when each is used. */
export const BATON_ERROR_CODES = [
  "E_USAGE", // bad flag, argument or option value (CLI exit 2)
  "E_CONFIG", // a config / script / skill file that does not parse or validate
  "E_NOT_FOUND", // unknown agent id, run id, file
  "E_BACKEND_MISSING", // the worker CLI (codex, claude, …) is not installed
  "E_BACKEND", // the worker process failed in a way that is not a model error
  "E_CLOSED", // the agent was closed (irreversible)
  "E_BUSY", // the operation is not allowed in the agent's current state
  "E_IO", // reading or writing baton's own files failed
  "E_INTERRUPTED", // the user or a signal stopped the work
  "E_VALIDATION", // a result or package failed validation
  "E_TIMEOUT", // a deadline passed (a turn, a wait, a command)
  "E_UNSUPPORTED", // not possible on this platform or with this backend
  "E_GIT", // a git command baton ran failed
  "E_BUDGET", // the token budget was used up before the work was done
  "E_INTERNAL", // a bug in baton: an impossible state was reached
] as const;
export const BatonErrorCodeSchema = z.enum(BATON_ERROR_CODES);
export type BatonErrorCode = z.infer<typeof BatonErrorCodeSchema>;

/** A `BatonError` as records and `--json` hold it (`RunView.error`, the journal's `run.ended`). */
export const BatonErrorJsonSchema = z.object({ code: BatonErrorCodeSchema, message: z.string() });
export type BatonErrorJson = z.infer<typeof BatonErrorJsonSchema>;

/**
 * An error as a record of any version holds it: records made before errors kept their code hold only
 * the message, which is read as `E_INTERNAL` (the code was not recorded).
 */
export const RecordedErrorSchema = z.union([
  BatonErrorJsonSchema,
  z.string().transform((message): BatonErrorJson => ({ code: "E_INTERNAL", message })),
]);

export interface BatonErrorDetails {
  runId?: string;
  agentId?: string;
  file?: string;
  line?: number;
  exitCode?: number | null;
  signal?: string | null;
  cause?: unknown;
}

/**
 * The one error type of baton. `code` is stable and machine-readable; the message says what was
 * wrong, what was expected and what to do. Ids locate the failure (run, agent, file, exit code).
 *
 * @example
 * throw new BatonError("E_USAGE", "--workers must be a whole number from 1 to 64, got 0");
 */
export class BatonError extends Error {
  readonly code: BatonErrorCode;
  readonly details: BatonErrorDetails;

  constructor(code: BatonErrorCode, message: string, details: BatonErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.code = code;
    this.details = details;
  }

  toJSON(): { code: BatonErrorCode; message: string } & BatonErrorDetails {
    const { cause: _cause, ...details } = this.details;
    return { code: this.code, message: this.message, ...details };
  }
}

export function isBatonError(value: unknown, code?: BatonErrorCode): value is BatonError {
  return value instanceof BatonError && (code === undefined || value.code === code);
}

/** The `{code, message}` of any thrown value: a `BatonError` keeps its code; anything else is `E_INTERNAL`. */
export function errorJson(error: unknown): BatonErrorJson {
  if (error instanceof BatonError) return { code: error.code, message: error.message };
  return { code: "E_INTERNAL", message: error instanceof Error ? error.message : String(error) };
}
