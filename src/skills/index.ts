/**
 * `baton skill`: Codex skill packages. Stages, one folder each: `config` (the skill config and what
 * derives one), `render` (config → package files), `convert` (Claude Code → Codex), `validate` (the
 * weighted checks), `package` (staging, delivery, deploy). `parse` holds the readers they share.
 */
export { loadSkillConfig, parseSkillConfig } from "./config/load.ts";
export { type SkillConfig, skillConfigSchema } from "./config/schema.ts";
export { seedConfigSchema } from "./config/seed.ts";
export { convertAgentFile, convertToPackage } from "./convert/convert.ts";
export { identifySource } from "./convert/source.ts";
export {
  askMode,
  askSource,
  configForSource,
  newSkillFromConfig,
  type OutputMode,
  type SkillSource,
} from "./package/create.ts";
export type { DeliverResult } from "./package/deliver.ts";
export { type DeployResult, type DeployScope, deploySkill } from "./package/deploy.ts";
export { type Asker, canAsk, createAsker } from "./package/prompts.ts";
export { assertName } from "./parse/names.ts";
export {
  DEFAULT_MIN_SCORE,
  formatReport,
  type ValidationReport,
  validatePackage,
} from "./validate/validate.ts";
