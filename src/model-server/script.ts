import { readFile } from "node:fs/promises";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { BatonError } from "../errors.ts";

/** The kinds of answer a rule can give; exactly one of these keys is set on every action. */
export const ACTION_KINDS = [
  "reply",
  "json",
  "jsonAuto",
  "toolCall",
  "shell",
  "fail",
  "http",
  "hang",
] as const;
export type ActionKind = (typeof ACTION_KINDS)[number];

const delayMs = z.number().int().min(0).max(3_600_000);

const toolCallSchema = z.strictObject({
  name: z.string().min(1),
  arguments: z.record(z.string(), z.unknown()).default({}),
  /** e.g. "mcp__<server>" for an MCP tool, "multi_agent_v1" for codex's agent tools. */
  namespace: z.string().min(1).optional(),
});

const usageSchema = z.strictObject({
  inputTokens: z.number().int().min(0).optional(),
  cachedTokens: z.number().int().min(0).optional(),
  outputTokens: z.number().int().min(0).optional(),
  reasoningTokens: z.number().int().min(0).optional(),
});

const actionFields = {
  reply: z.string().optional(),
  json: z.unknown().optional(),
  jsonAuto: z.literal(true).optional(),
  toolCall: z.union([toolCallSchema, z.array(toolCallSchema).min(1)]).optional(),
  shell: z.string().min(1).optional(),
  /** A `response.failed` event; `code` picks codex's handling (e.g. "context_length_exceeded"). */
  fail: z
    .union([z.string(), z.strictObject({ message: z.string(), code: z.string().min(1).optional() })])
    .optional(),
  http: z
    .strictObject({
      status: z.number().int().min(400).max(599),
      retryAfterSeconds: z.number().min(0).optional(),
      body: z.union([z.string(), z.record(z.string(), z.unknown())]).optional(),
    })
    .optional(),
  hang: z.literal(true).optional(),
  /** Emitted as a reasoning summary item before the answer. */
  reasoning: z.string().optional(),
  delayMs: delayMs.optional(),
  /** Overrides the computed token counts of `response.completed`. */
  usage: usageSchema.optional(),
};

function requireOneAction(value: Record<string, unknown>, ctx: z.RefinementCtx, allowSteps: boolean): void {
  const present = ACTION_KINDS.filter((k) => value[k] !== undefined);
  const hasSteps = allowSteps && value.steps !== undefined;
  if (present.length + (hasSteps ? 1 : 0) === 1) return;
  const choices = `${ACTION_KINDS.join(", ")}${allowSteps ? " or steps" : ""}`;
  ctx.addIssue({
    code: "custom",
    message:
      present.length === 0 && !hasSteps
        ? `expected one action (${choices}), found none`
        : `expected exactly one action (${choices}), found ${[...present, ...(hasSteps ? ["steps"] : [])].join(" and ")}`,
  });
}

export const actionSchema = z
  .strictObject(actionFields)
  .superRefine((value, ctx) => requireOneAction(value, ctx, false));
export type ScriptAction = z.infer<typeof actionSchema>;

/** "text" is a substring; "/pattern/flags" is a regular expression. */
const textMatcher = z.string().superRefine((text, ctx) => {
  const re = /^\/(.*)\/([dgimsuvy]*)$/s.exec(text);
  if (!re) return;
  try {
    new RegExp(re[1]!, re[2]);
  } catch (error) {
    ctx.addIssue({
      code: "custom",
      message: `invalid regular expression ${text}: ${(error as Error).message}`,
    });
  }
});

export const ruleSchema = z
  .strictObject({
    match: textMatcher.optional(),
    contains: textMatcher.optional(),
    times: z.number().int().min(1).optional(),
    steps: z.array(actionSchema).min(1).optional(),
    ...actionFields,
  })
  .superRefine((value, ctx) => requireOneAction(value, ctx, true));
export type ScriptRule = z.infer<typeof ruleSchema>;

export const modelScriptSchema = z.strictObject({
  rules: z.array(ruleSchema).default([]),
  default: actionSchema.default({ reply: "ok" }),
});
export type ModelScript = z.infer<typeof modelScriptSchema>;
/** What a script file may contain before defaults are applied. */
export type ModelScriptInput = z.input<typeof modelScriptSchema>;

/** The single action a rule (or one of its steps) answers with. */
export function actionKind(action: ScriptAction): ActionKind {
  const kind = ACTION_KINDS.find((k) => action[k] !== undefined);
  if (!kind) throw new BatonError("E_CONFIG", "script action has no answer (reply, json, shell, …)");
  return kind;
}

/** Tests a `match`/`contains` pattern: substring, or `/regex/flags`. */
export function matchesText(pattern: string, text: string): boolean {
  const re = /^\/(.*)\/([dgimsuvy]*)$/s.exec(pattern);
  if (re) return new RegExp(re[1]!, re[2]!.replace(/[gy]/g, "")).test(text);
  return text.includes(pattern);
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const part of path) out += typeof part === "number" ? `[${part}]` : `${out ? "." : ""}${String(part)}`;
  return out || "(top level)";
}

/**
 * Validates a script already parsed from YAML/JSON. `source` names it in errors.
 * @example parseModelScript({ rules: [{ match: "hi", reply: "hello" }] })
 */
export function parseModelScript(value: unknown, source = "script"): ModelScript {
  const result = modelScriptSchema.safeParse(value ?? {});
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `  ${formatPath(issue.path)}: ${issue.message}`);
  throw new BatonError(
    "E_CONFIG",
    `${source} is not a valid model script:\n${problems.join("\n")}\nSee docs/model-server.md for the format.`,
    { file: source },
  );
}

/** Reads a script file (.json as JSON, anything else as YAML, which also accepts JSON). */
export async function loadScript(file: string): Promise<ModelScript> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new BatonError(
      code === "ENOENT" ? "E_NOT_FOUND" : "E_IO",
      `cannot read model script ${file}: ${(error as Error).message}`,
      { file, cause: error },
    );
  }
  let value: unknown;
  try {
    value = file.endsWith(".json") ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new BatonError(
      "E_CONFIG",
      `${file} is not valid ${file.endsWith(".json") ? "JSON" : "YAML"}: ${(error as Error).message}`,
      { file, cause: error },
    );
  }
  return parseModelScript(value, file);
}
