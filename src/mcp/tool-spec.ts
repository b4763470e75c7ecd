import type { ToolAnnotations } from "@modelcontextprotocol/sdk/types.js";
import type { z } from "zod";
import type { ToolContext } from "./handlers.ts";
import type { WaitHooks } from "./wait.ts";

/** One tool: its schemas, how it is announced, and what it does. */
export interface ToolSpec {
  name: string;
  description: (ctx: ToolContext) => string;
  input: z.ZodType;
  /** Alternative spellings of a required argument: one of each set must be given. */
  oneOf?: readonly (readonly string[])[];
  output: z.ZodType;
  annotations: ToolAnnotations;
  /** Tools that may block accept task-augmented calls (the client fetches the result later). */
  tasks?: boolean;
  run(ctx: ToolContext, input: never, hooks: WaitHooks): object | Promise<object>;
}
