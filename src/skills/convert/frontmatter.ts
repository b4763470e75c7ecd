import type { ConversionState } from "./state.ts";

/** Claude tool name → the Codex tools that do the same job. */
const TOOL_MAP: Record<string, string[]> = {
  Task: ["spawn_agent", "wait_agent", "send_input", "close_agent"],
  Agent: ["spawn_agent", "wait_agent", "send_input", "close_agent"],
  TaskOutput: ["wait_agent"],
  SendMessage: ["send_input"],
  TodoWrite: [],
  TaskStop: ["close_agent"],
  AskUserQuestion: ["request_user_input"],
  Read: ["exec_command"],
  Glob: ["exec_command"],
  Grep: ["exec_command"],
  LS: ["exec_command"],
  Bash: ["exec_command"],
  BashOutput: ["exec_command"],
  KillShell: ["exec_command"],
  Write: ["apply_patch"],
  Edit: ["apply_patch"],
  MultiEdit: ["apply_patch"],
  NotebookEdit: ["apply_patch"],
  WebSearch: ["web_search"],
  WebFetch: ["web_search"],
};

/** `"Task, Read, Bash(git:*)"` or a YAML list → the Codex names, space-separated (the Agent Skills format). */
export function convertAllowedTools(
  value: unknown,
  state: ConversionState,
  where: string,
): string | undefined {
  const names = Array.isArray(value)
    ? value.map(String)
    : typeof value === "string"
      ? (value.match(/[\w*:-]+(?:\([^)]*\))?/g) ?? [])
      : [];
  const out: string[] = [];
  for (const raw of names) {
    const base = raw.replace(/\(.*\)$/, "");
    const mapped = TOOL_MAP[base] ?? (base.startsWith("mcp__") ? [base] : undefined);
    if (mapped) out.push(...mapped);
    else state.notes.push(`${where}: allowed-tools "${raw}" has no Codex equivalent and was dropped`);
  }
  const unique = [...new Set(out)];
  return unique.length > 0 ? unique.join(" ") : undefined;
}

export interface ConvertedFrontmatter {
  data: Record<string, unknown>;
  /** agents/openai.yaml, when a Claude setting maps to Codex's skill policy. */
  openaiYaml?: string;
}

/** Claude skill/command frontmatter → Agent Skills frontmatter (only keys Codex and skills-ref accept). */
export function convertSkillFrontmatter(
  source: Record<string, unknown>,
  name: string,
  fallbackDescription: string,
  file: string,
  state: ConversionState,
  keyLine: (key: string) => number,
): ConvertedFrontmatter {
  const where = (key: string) => `${file}:${keyLine(key)}`;
  const raw =
    typeof source.description === "string" && source.description.trim()
      ? source.description
      : fallbackDescription;
  let description = raw
    .replace(/\$ARGUMENTS\b/g, "the user's request")
    .replace(/[<>]/g, "")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, 1000);
  if (!/\bwhen\b/i.test(description))
    description = `${description.replace(/\.?$/, ".")} Use when the user asks for ${name}.`;
  const data: Record<string, unknown> = { name, description: description.slice(0, 1024) };
  const metadata: Record<string, string> = { "converted-from": "claude" };
  let openaiYaml: string | undefined;
  for (const [key, value] of Object.entries(source)) {
    if (key === "name" || key === "description") continue;
    if (key === "allowed-tools" || key === "tools") {
      const tools = convertAllowedTools(value, state, where(key));
      if (tools) data["allowed-tools"] = tools;
    } else if (key === "license" || key === "compatibility") {
      data[key] = String(value);
    } else if (key === "metadata" && typeof value === "object" && value !== null) {
      for (const [k, v] of Object.entries(value)) metadata[k] = String(v);
    } else if (key === "argument-hint") {
      metadata["argument-hint"] = String(value);
    } else if (key === "disable-model-invocation" && value === true) {
      openaiYaml = "policy:\n  allow_implicit_invocation: false\n";
      state.notes.push(
        `${where(key)}: disable-model-invocation → agents/openai.yaml policy.allow_implicit_invocation: false`,
      );
    } else if (key === "hooks") {
      state.unconverted.push({
        file,
        line: keyLine(key),
        construct: "hooks",
        text: "hooks:",
        hint: "Codex skills have no hooks; move the checks into the skill's steps",
      });
    } else {
      state.notes.push(
        `${where(key)}: "${key}: ${String(value)}" has no Codex skill equivalent and was dropped`,
      );
    }
  }
  data.metadata = metadata;
  return { data, ...(openaiYaml ? { openaiYaml } : {}) };
}
