import { BatonError } from "../../errors.ts";

/** Agent Skills rule: 1–64 chars of a-z, 0-9 and single inner hyphens. Codex role names follow it too. */
const NAME_PATTERN = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
export const MAX_NAME_LENGTH = 64;

/** Why `name` is not a valid skill or role name, or undefined when it is. */
export function nameProblem(name: string): string | undefined {
  if (name.length === 0) return "it is empty";
  if (name.length > MAX_NAME_LENGTH)
    return `it is ${name.length} characters long (at most ${MAX_NAME_LENGTH})`;
  if (/[/\\]|\.\./.test(name) || name.includes("\0")) return "it contains a path separator or '..'";
  if (!NAME_PATTERN.test(name)) {
    return "only lowercase letters, digits and single inner hyphens are allowed (no leading, trailing or double hyphen)";
  }
  return undefined;
}

/**
 * Throws E_USAGE unless `name` is a valid skill/role name.
 * @example assertName("code-review", "skill name")
 */
export function assertName(name: string, what: string): string {
  const problem = nameProblem(name);
  if (problem) {
    throw new BatonError(
      "E_USAGE",
      `${what} "${name}" is not valid: ${problem}. Use something like "code-review" (a-z, 0-9, hyphens).`,
    );
  }
  return name;
}

/** Turns free text ("Security Auditor", "cli_explore.agent") into a name ("security-auditor"). */
export function slugify(text: string, fallback = "item"): string {
  const slug = text
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, MAX_NAME_LENGTH)
    .replace(/-+$/g, "");
  return slug.length > 0 ? slug : fallback;
}

/** Codex's built-in agent types; a package role with one of these names would shadow it. */
export const BUILTIN_ROLES: readonly string[] = ["default", "explorer", "worker"];
