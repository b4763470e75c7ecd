import { z } from "zod";

/** Sandbox a worker runs in, as Codex names them. Readers get `read-only`; only writers get more. */
export const SANDBOX_MODES = ["read-only", "workspace-write", "danger-full-access"] as const;
export const SandboxModeSchema = z.enum(SANDBOX_MODES);
export type SandboxMode = z.infer<typeof SandboxModeSchema>;
