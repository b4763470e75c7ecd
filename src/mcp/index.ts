export type { ToolContext } from "./handlers.ts";
export { type AgentRole, DEFAULT_AGENT_TYPE, findRole, listRoles, roleDirs } from "./roles.ts";
export {
  closeAgentInput,
  listAgentsInput,
  sendInputInput,
  spawnAgentInput,
  WAIT_DEFAULT_MS,
  WAIT_MAX_MS,
  waitInput,
} from "./schemas.ts";
export { type BatonMcp, type BatonMcpOptions, createBatonMcpServer, serveStdio } from "./server.ts";
export { registerTools, TOOL_NAMES } from "./tools.ts";
