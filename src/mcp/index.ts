export { AgentBook } from "./agents.ts";
export type { ToolContext } from "./handlers.ts";
export {
  type AgentRole,
  BUILTIN_ROLES,
  DEFAULT_AGENT_TYPE,
  discoverRoles,
  findRole,
  roleDirs,
} from "./roles.ts";
export { WAIT_MAX_MS } from "./schemas.ts";
export {
  type BatonMcp,
  type BatonMcpOptions,
  createBatonMcpServer,
  DEFAULT_MAX_INLINE_BYTES,
} from "./server.ts";
export { type StdioOptions, serveStdio } from "./stdio.ts";
export { TOOL_NAMES, TOOLS } from "./tools.ts";
export { LineTransport } from "./transport.ts";
