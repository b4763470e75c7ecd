import type { RegisterCommand } from "./register.ts";

/**
 * Command modules by name, loaded on demand: `baton mcp` (started by MCP clients that wait for it)
 * loads only what it needs. Help without a command loads them all.
 */
export const commandLoaders: Record<string, () => Promise<RegisterCommand>> = {
  run: async () => (await import("./run.ts")).registerRun,
  map: async () => (await import("./map.ts")).registerMap,
  worker: async () => (await import("./worker.ts")).registerWorker,
  status: async () => (await import("./status.ts")).registerStatus,
  logs: async () => (await import("./logs.ts")).registerLogs,
  report: async () => (await import("./report.ts")).registerReport,
  ui: async () => (await import("./ui.ts")).registerUi,
  cancel: async () => (await import("./cancel.ts")).registerCancel,
  resume: async () => (await import("./resume.ts")).registerResume,
  mcp: async () => (await import("./mcp.ts")).registerMcp,
  skill: async () => (await import("./skill.ts")).registerSkill,
  "model-server": async () => (await import("./model-server.ts")).registerModelServer,
  doctor: async () => (await import("./doctor.ts")).registerDoctor,
  setup: async () => (await import("./setup.ts")).registerSetup,
  attach: async () => (await import("./attach.ts")).registerAttach,
};
