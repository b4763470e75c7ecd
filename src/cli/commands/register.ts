import type { Command } from "commander";

/** What every command file exports: adds its command to the program. */
export type RegisterCommand = (program: Command) => void;
