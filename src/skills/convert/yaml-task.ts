import { parse as parseYaml } from "yaml";
import { type YamlTaskBlock, yamlTaskBlocks } from "../parse/claude-constructs.ts";
import { identifier, inTemplate } from "../render/text.ts";
import { preserved } from "../validate/conversion-manifest.ts";
import type { CodeBlockInput } from "./context.ts";
import {
  collectText,
  FOREGROUND_TIMEOUT_MS,
  indentLines,
  PARALLEL_TIMEOUT_MS,
  spawnText,
  timeoutBranch,
  waitText,
  wrapPrompt,
} from "./emit.ts";
import { convertCodeText } from "./prose.ts";
import { registerRole } from "./roles.ts";
import { type ConversionState, type Edit, freshName } from "./state.ts";

interface ParsedTask {
  block: YamlTaskBlock;
  role: string;
  description: string | undefined;
  prompt: string;
  /** Offsets of the YAML block in the code. */
  start: number;
  end: number;
}

/**
 * `Task:` blocks (YAML-style calls: `subagent_type`, `description`, `prompt: |`) → spawn_agent,
 * wait_agent with a timed_out check, and close_agent after the result is read. Blocks that follow
 * each other with nothing but blank lines between are one parallel batch, as Claude runs them.
 */
export function convertYamlTasks(block: CodeBlockInput, state: ConversionState): Edit[] {
  const parsed: ParsedTask[] = [];
  const offsets = lineOffsets(block.code);
  for (const yaml of yamlTaskBlocks(block.code)) {
    const line = block.startLine + yaml.startLine - 1;
    const value = parseTask(yaml);
    if (!value) {
      state.unconverted.push({
        file: block.file,
        line,
        construct: `${yaml.name}: block`,
        text: yaml.lines[0]!.trim(),
        hint: "the block is not YAML with subagent_type and prompt; rewrite it as spawn_agent + wait_agent + close_agent",
      });
      continue;
    }
    const where = { file: block.file, line };
    parsed.push({
      block: yaml,
      role: registerRole(state, value.type, where, value.description),
      description: value.description,
      prompt: value.prompt,
      start: offsets[yaml.startLine - 1]!,
      end: offsets[yaml.endLine - 1]! + block.code.split("\n")[yaml.endLine - 1]!.length,
    });
  }
  const edits: Edit[] = [];
  for (const group of batches(parsed, block.code)) {
    const indent = group[0]!.block.indent;
    const lines = group.length === 1 ? single(group[0]!, block, state) : batch(group, block, state);
    const text = indentLines(lines.join("\n"), indent);
    edits.push({ start: group[0]!.start, end: group[group.length - 1]!.end, text: indent + text, indent });
  }
  return edits;
}

function parseTask(yaml: YamlTaskBlock): { type: string; description?: string; prompt: string } | undefined {
  const body = yaml.lines.map((l) => l.slice(Math.min(yaml.indent.length, l.length))).join("\n");
  let data: unknown;
  try {
    data = parseYaml(body.replace(/^-\s+/, ""));
  } catch {
    return undefined;
  }
  const task =
    (data as Record<string, unknown> | null)?.[yaml.name] ??
    (data as Record<string, unknown> | null)?.[`${yaml.name} tool`];
  if (typeof task !== "object" || task === null) return undefined;
  const { subagent_type: type, prompt, description } = task as Record<string, unknown>;
  if (typeof prompt !== "string") return undefined;
  return {
    type: typeof type === "string" ? type : "general-purpose",
    ...(typeof description === "string" ? { description } : {}),
    prompt: prompt.replace(/\n$/, ""),
  };
}

function spawnOf(task: ParsedTask, idVar: string, block: CodeBlockInput, state: ConversionState): string {
  const literal = `\`${inTemplate(task.prompt)}\``;
  const line = block.startLine + task.block.startLine - 1;
  state.preserved.push(preserved("prompt", block.file, line, convertCodeText(literal, "text", { ...state })));
  const description = task.description === undefined ? undefined : JSON.stringify(task.description);
  return spawnText("const ", idVar, task.role, wrapPrompt(task.role, description, literal));
}

function single(task: ParsedTask, block: CodeBlockInput, state: ConversionState): string[] {
  const idVar = freshName(state, `${identifier(task.role)}Agent`);
  const waitVar = freshName(state, `${idVar}Wait`);
  const result = freshName(state, `${identifier(task.role)}Result`);
  state.waits.push({
    where: `${block.file}:${block.startLine + task.block.startLine - 1}`,
    role: task.role,
    timeoutMs: FOREGROUND_TIMEOUT_MS,
  });
  return [
    spawnOf(task, idVar, block, state),
    waitText(
      waitVar,
      `[${idVar}]`,
      FOREGROUND_TIMEOUT_MS,
      timeoutBranch(idVar, task.role, FOREGROUND_TIMEOUT_MS),
    ),
    `const ${result} = ${waitVar}.status[${idVar}]?.completed`,
    `close_agent({ target: ${idVar} })`,
  ];
}

function batch(group: ParsedTask[], block: CodeBlockInput, state: ConversionState): string[] {
  const ids = group.map((t) => freshName(state, `${identifier(t.role)}Agent`));
  const name = freshName(state, "parallel");
  state.waits.push({
    where: `${block.file}:${block.startLine + group[0]!.block.startLine - 1}`,
    role: group.map((t) => t.role).join(", "),
    timeoutMs: PARALLEL_TIMEOUT_MS,
  });
  return [
    `// ${group.length} agents in parallel: spawned together, collected with one batch wait`,
    ...group.map((t, i) => spawnOf(t, ids[i]!, block, state)),
    `const ${name} = [${ids.join(", ")}]`,
    collectText(name, name, PARALLEL_TIMEOUT_MS),
    `${name}.forEach((id) => close_agent({ target: id }))`,
  ];
}

function batches(tasks: ParsedTask[], code: string): ParsedTask[][] {
  const groups: ParsedTask[][] = [];
  for (const task of tasks) {
    const last = groups[groups.length - 1];
    const previous = last?.[last.length - 1];
    if (previous && code.slice(previous.end, task.start).trim() === "") last!.push(task);
    else groups.push([task]);
  }
  return groups;
}

function lineOffsets(code: string): number[] {
  const offsets = [0];
  for (let i = 0; i < code.length; i++) if (code[i] === "\n") offsets.push(i + 1);
  return offsets;
}
