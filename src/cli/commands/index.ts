import type { Command } from "commander";
import { registerMcp } from "./mcp.ts";

/** Each command module exports one function that adds its command to the program. */
export type RegisterCommand = (program: Command) => void;

export const commands: RegisterCommand[] = [registerMcp];
