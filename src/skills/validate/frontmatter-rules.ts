import { nameProblem } from "../parse/names.ts";
import type { SkillPackage } from "./package-read.ts";

/** The keys the Agent Skills reference validator accepts in SKILL.md frontmatter. */
export const ALLOWED_KEYS = [
  "name",
  "description",
  "license",
  "compatibility",
  "metadata",
  "allowed-tools",
] as const;

/**
 * Agent Skills (agentskills.io) frontmatter rules; each problem is "SKILL.md:<line> <what>".
 * @example frontmatterProblems(pkg) // ["SKILL.md:2 name "Bad" …"]
 */
export function frontmatterProblems(pkg: SkillPackage): string[] {
  const skill = pkg.skill;
  if (!skill) return [];
  if (skill.frontmatterError) return [skill.frontmatterError];
  const fm = skill.frontmatter;
  if (!fm?.present) return ["SKILL.md:1 no frontmatter: start the file with ---, name:, description:, ---"];
  const where = (key: string) => `SKILL.md:${fm.keyLines.get(key) ?? 1}`;
  const problems: string[] = [];
  const { name, description, compatibility, metadata } = fm.data;
  if (typeof name !== "string") problems.push(`${where("name")} name is required (a string)`);
  else {
    const problem = nameProblem(name);
    if (problem) problems.push(`${where("name")} name "${name}": ${problem}`);
    else if (name !== pkg.expectedName) {
      problems.push(`${where("name")} name "${name}" must equal the directory name "${pkg.expectedName}"`);
    }
  }
  if (typeof description !== "string" || description.trim() === "") {
    problems.push(
      `${where("description")} description is required: say what the skill does and when to use it`,
    );
  } else {
    if (description.length > 1024)
      problems.push(`${where("description")} description is ${description.length} characters (max 1024)`);
    if (/[<>]/.test(description))
      problems.push(`${where("description")} description must not contain < or >`);
  }
  for (const key of Object.keys(fm.data)) {
    if (!(ALLOWED_KEYS as readonly string[]).includes(key)) {
      problems.push(
        `${where(key)} key "${key}" is not allowed (allowed: ${ALLOWED_KEYS.join(", ")}); move it under metadata`,
      );
    }
  }
  if (compatibility !== undefined && (typeof compatibility !== "string" || compatibility.length > 500)) {
    problems.push(`${where("compatibility")} compatibility must be a string of at most 500 characters`);
  }
  if (metadata !== undefined) {
    const ok =
      typeof metadata === "object" &&
      metadata !== null &&
      !Array.isArray(metadata) &&
      Object.values(metadata).every((v) => typeof v === "string");
    if (!ok) problems.push(`${where("metadata")} metadata must map strings to strings`);
  }
  const tools = fm.data["allowed-tools"];
  if (tools !== undefined) {
    if (typeof tools !== "string")
      problems.push(`${where("allowed-tools")} allowed-tools must be one space-separated string`);
    else if (tools.includes(","))
      problems.push(
        `${where("allowed-tools")} allowed-tools is comma-separated; the format is space-separated`,
      );
  }
  return problems;
}
