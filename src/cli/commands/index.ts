import type { Command } from "commander";
import { registerCancel } from "./cancel.ts";
import { registerLogs } from "./logs.ts";
import { registerMcp } from "./mcp.ts";
import { registerModelServer } from "./model-server.ts";
import { registerReport } from "./report.ts";
import { registerResume } from "./resume.ts";
import { registerRun } from "./run.ts";
import { registerSkill } from "./skill.ts";
import { registerStatus } from "./status.ts";

/** Each command module exports one function that adds its command to the program. */
export type RegisterCommand = (program: Command) => void;

export const commands: RegisterCommand[] = [
  registerRun,
  registerStatus,
  registerLogs,
  registerReport,
  registerCancel,
  registerResume,
  registerMcp,
  registerSkill,
  registerModelServer,
];
