import { scanClaudeConstructs } from "../parse/claude-constructs.ts";
import { BUILTIN_ROLES } from "../parse/names.ts";
import type { CheckContext } from "./check-types.ts";
import { analyzeFile, type FileCode } from "./code-analysis.ts";
import type { SkillPackage } from "./package-read.ts";

export function buildCheckContext(pkg: SkillPackage): CheckContext {
  const files: FileCode[] = pkg.docs.map(analyzeFile);
  const calls = files.flatMap((f) => f.calls);
  const constructs = [
    ...pkg.docs.flatMap((doc) => scanClaudeConstructs(doc.text, doc.file, doc.md)),
    ...pkg.roles
      .filter((r) => r.source === "toml")
      .flatMap((r) => scanClaudeConstructs(r.instructions, `${r.file} developer_instructions`)),
  ];
  const knownRoles = new Set<string>([...BUILTIN_ROLES, ...pkg.roles.map((r) => r.name)]);
  for (const row of pkg.registry ?? []) if (/exist|built/.test(row.status)) knownRoles.add(row.agent);
  return {
    pkg,
    files,
    spawns: calls.filter((c) => c.name === "spawn_agent"),
    waits: calls.filter((c) => c.name === "wait_agent" || c.name === "wait"),
    sends: calls.filter((c) => c.name === "send_input"),
    closes: calls.filter((c) => c.name === "close_agent"),
    constructs,
    knownRoles,
  };
}
