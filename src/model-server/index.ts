export {
  type CodexOfflineConfig,
  codexConfigArgs,
  codexConfigToml,
  LOCAL_API_KEY_ENV,
  SCRIPTED_MODEL,
  scriptedModelCatalog,
} from "./codex-config.ts";
export { minimalInstance } from "./json-instance.ts";
export {
  actionEvents,
  formatSse,
  type ParsedRequest,
  parseRequest,
  type SseEvent,
  type ToolOutput,
} from "./responses-api.ts";
export { type Choice, createRuleChooser } from "./rules.ts";
export {
  ACTION_KINDS,
  type ActionKind,
  actionKind,
  actionSchema,
  loadScript,
  type ModelScript,
  type ModelScriptInput,
  matchesText,
  modelScriptSchema,
  parseModelScript,
  ruleSchema,
  type ScriptAction,
  type ScriptRule,
} from "./script.ts";
export {
  type ModelServer,
  type ModelServerOptions,
  type RecordedRequest,
  startModelServer,
} from "./server.ts";
