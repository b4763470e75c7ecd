/**
 * The part of the `codex app-server` protocol baton uses, as zod schemas of what it reads and types of
 * what it sends. Written from `codex app-server generate-ts` / `generate-json-schema` of the pinned
 * codex; test/backends/codex-app/protocol.test.ts checks every method and field here against the schema
 * the installed binary generates, so a codex bump that changes them fails there first.
 */
import { z } from "zod";
import { WORKER_TAG_VAR } from "../../core/process/procfs.ts";
import type { SandboxMode, TurnRequest } from "../types.ts";

/** The codex version whose protocol this file describes. */
export const PINNED_CODEX_VERSION = "0.169.0";

/** Client → server requests baton sends. */
export const CLIENT_METHODS = [
  "initialize",
  "thread/start",
  "thread/resume",
  "thread/unsubscribe",
  "turn/start",
  "turn/interrupt",
] as const;

export interface InitializeParams {
  clientInfo: { name: string; title: string | null; version: string };
  capabilities: null;
}

/** The per-thread settings baton sets at `thread/start` and again at `thread/resume`. */
export interface ThreadSettings {
  cwd: string;
  sandbox: SandboxMode;
  approvalPolicy: "never";
  model?: string;
  developerInstructions?: string;
  /** `-c`-style overrides as dotted keys. */
  config: Record<string, unknown>;
}

export type ThreadStartParams = ThreadSettings & { ephemeral: false };
export type ThreadResumeParams = ThreadSettings & { threadId: string; excludeTurns: true };

export interface TurnStartParams {
  threadId: string;
  input: { type: "text"; text: string; text_elements: [] }[];
  outputSchema?: Record<string, unknown>;
}

export interface TurnInterruptParams {
  threadId: string;
  turnId: string;
}

/** Thread settings for an agent's turn request; `tag` is what every command of the thread will carry. */
export function threadSettings(request: TurnRequest, tag: string): ThreadSettings {
  return {
    cwd: request.cwd,
    sandbox: request.sandbox,
    approvalPolicy: "never",
    ...(request.model ? { model: request.model } : {}),
    ...(request.instructions ? { developerInstructions: request.instructions } : {}),
    config: {
      [`shell_environment_policy.set.${WORKER_TAG_VAR}`]: tag,
      // codex offers its web_search tool by default: only agents that ask for it get it (as exec does).
      web_search: request.webSearch ? "live" : "disabled",
      ...(request.reasoningEffort ? { model_reasoning_effort: request.reasoningEffort } : {}),
    },
  };
}

export function turnStartParams(threadId: string, request: TurnRequest): TurnStartParams {
  return {
    threadId,
    input: [{ type: "text", text: request.prompt, text_elements: [] }],
    ...(request.outputSchema ? { outputSchema: request.outputSchema } : {}),
  };
}

export const INITIALIZE_PARAMS: InitializeParams = {
  clientInfo: { name: "baton", title: "baton", version: "0.1.0" },
  capabilities: null,
};

export const InitializeResult = z.object({ userAgent: z.string() });
export const ThreadResult = z.object({ thread: z.object({ id: z.string() }) });
export const TurnStartResult = z.object({ turn: z.object({ id: z.string() }) });

const TurnError = z.object({ message: z.string(), codexErrorInfo: z.unknown().optional() });

const TokenUsageBreakdown = z.object({
  inputTokens: z.number(),
  cachedInputTokens: z.number(),
  outputTokens: z.number(),
  reasoningOutputTokens: z.number(),
});

/** A thread item; only `type` and `id` are relied on, the rest is kept as it came. */
export const ThreadItem = z.looseObject({ type: z.string(), id: z.string() });

/** Server → client notifications baton reads, by method. Others are ignored (but count as activity). */
export const NOTIFICATIONS = {
  "turn/started": z.object({ threadId: z.string(), turn: z.object({ id: z.string() }) }),
  "turn/completed": z.object({
    threadId: z.string(),
    turn: z.object({
      id: z.string(),
      status: z.enum(["completed", "interrupted", "failed", "inProgress"]),
      error: TurnError.nullish(),
    }),
  }),
  "item/started": z.object({ threadId: z.string(), turnId: z.string(), item: ThreadItem }),
  "item/completed": z.object({ threadId: z.string(), turnId: z.string(), item: ThreadItem }),
  "thread/tokenUsage/updated": z.object({
    threadId: z.string(),
    turnId: z.string(),
    tokenUsage: z.object({ total: TokenUsageBreakdown, last: TokenUsageBreakdown }),
  }),
  error: z.object({ threadId: z.string(), turnId: z.string(), willRetry: z.boolean(), error: TurnError }),
} as const;

export type NotificationMethod = keyof typeof NOTIFICATIONS;
export type Notification<M extends NotificationMethod> = z.infer<(typeof NOTIFICATIONS)[M]>;
export type TokenUsage = z.infer<typeof TokenUsageBreakdown>;

/**
 * Server → client requests and baton's answer to each. baton starts every thread with approval policy
 * `never`, so a request for more than the sandbox allows is declined; questions get no answers.
 */
const DECLINED = "baton runs this worker without approvals: stay within the sandbox";

export const SERVER_REQUEST_ANSWERS: Record<string, unknown> = {
  "item/commandExecution/requestApproval": { decision: "decline" },
  "item/fileChange/requestApproval": { decision: "decline" },
  "item/permissions/requestApproval": { permissions: {}, scope: "turn" },
  "item/tool/requestUserInput": { answers: {} },
  "mcpServer/elicitation/request": { action: "decline", content: null, _meta: null },
  execCommandApproval: { decision: { denied: { rejection: DECLINED } } },
  applyPatchApproval: { decision: { denied: { rejection: DECLINED } } },
};

/** The codex version in an `initialize` answer's user agent (`<client>/<version> (…)`). */
export function versionOfUserAgent(userAgent: string): string | undefined {
  return /\/(\d+\.\d+\.\d+[^\s()]*)/.exec(userAgent)?.[1];
}
