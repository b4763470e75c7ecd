import { slugify } from "../parse/names.ts";
import type { ConversionState } from "./state.ts";

/** Claude's built-in subagent types and the Codex built-in agent types that do the same job. */
const BUILTIN_TYPES: Record<string, string> = {
  "general-purpose": "worker",
  Explore: "explorer",
  explore: "explorer",
  Plan: "default",
  Bash: "worker",
};

/**
 * The Codex role for a Claude subagent_type (`plugin:agent` and plain names alike), recorded with
 * where it was first named so a missing agent file can be reported there.
 */
export function registerRole(
  state: ConversionState,
  claudeType: string,
  where: { file: string; line: number },
  description?: string,
): string {
  const role = BUILTIN_TYPES[claudeType] ?? slugify(claudeType.replace(/^[\w-]+:/, ""), "agent");
  const known = state.roles.get(role) ?? { claudeType, descriptions: [], where };
  if (description) known.descriptions.push(description);
  state.roles.set(role, known);
  return role;
}
