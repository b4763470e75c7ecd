import type { SkillConfig } from "../config/schema.ts";
import type { PackageFiles } from "../package/write.ts";
import { isComplexPhase, renderSkillMd } from "./orchestrator.ts";
import { phaseFileName, renderPhaseDoc } from "./phase.ts";
import { renderRoleToml } from "./role.ts";

/**
 * Renders a whole package from a config: SKILL.md, agents/<role>.toml and phases/NN-<slug>.md
 * (structured), or one self-contained SKILL.md (single).
 * @example renderPackage(config).get("SKILL.md")
 */
export function renderPackage(config: SkillConfig): PackageFiles {
  const files: PackageFiles = new Map([["SKILL.md", renderSkillMd(config)]]);
  if (config.outputMode === "single") return files;
  for (const agent of config.agents) {
    if (!agent.existing) files.set(`agents/${agent.name}.toml`, renderRoleToml(agent, config.name));
  }
  config.phases.forEach((phase, i) => {
    if (isComplexPhase(config, phase))
      files.set(`phases/${phaseFileName(phase, i)}`, renderPhaseDoc(config, phase, i));
  });
  return files;
}
