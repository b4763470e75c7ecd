// baton's public API. Adding a symbol here makes it public: the burden of proof is on addition.
export { type ClaudeBackendOptions, claudeBackend } from "./backends/claude/backend.ts";
export { type CodexBackendOptions, codexBackend } from "./backends/codex/backend.ts";
export { type CodexAppBackendOptions, codexAppBackend } from "./backends/codex-app/backend.ts";
export { type CodexTransportChoice, chooseCodexTransport } from "./backends/codex-transport.ts";
export { type CommandBackendOptions, commandBackend } from "./backends/command/backend.ts";
export { BACKEND_NAMES, createBackend } from "./backends/registry.ts";
export type {
  Backend,
  BackendSession,
  ProcessBackend,
  SandboxMode,
  SessionBackend,
  SessionContext,
  SessionTurn,
  SessionTurnHooks,
  TurnCommand,
  TurnParser,
  TurnRequest,
  WorkerEvent,
  WorkerItem,
} from "./backends/types.ts";
export type { AgentSnapshot, SpawnOptions } from "./core/agent.ts";
export type { HaltReason } from "./core/pool.ts";
export { Pool, type PoolEvent, type PoolOptions, type RateLimitOptions } from "./core/pool.ts";
export type { ChildExit, ChildSpec, SupervisedChild } from "./core/process/child.ts";
export { reapOrphans } from "./core/process/reap.ts";
export { handleSignals, type SignalHandling } from "./core/process/signals.ts";
export { Supervisor, type SupervisorOptions } from "./core/process/supervisor.ts";
export type { AgentStatus, EndReason } from "./core/status.ts";
export type { RunningTurn, StopReason, TurnOutcome, TurnStarter } from "./core/turn.ts";
export type { Usage } from "./core/usage.ts";
export type { WaitOptions, WaitResult } from "./core/wait.ts";
export { BatonError, type BatonErrorCode, isBatonError } from "./errors.ts";
export { type MapHooks, type MapView, mapTasks } from "./map/map.ts";
export type { MapOptions } from "./map/options.ts";
export type { MapResult } from "./map/results.ts";
export { loadScript, parseModelScript } from "./model-server/script.ts";
export { type ModelServer, startModelServer } from "./model-server/server.ts";
export type { RunOptions } from "./run/options.ts";
export type { PatternName, RunResult } from "./run/result.ts";
export { type RunView, runTask } from "./run/run.ts";
export { WorkerResultSchema } from "./run/worker-result.ts";
