import { join } from "node:path";
import { BatonError } from "../../errors.ts";
import { configFromPrompt } from "../config/from-prompt.ts";
import { configFromText } from "../config/from-text.ts";
import { checkSkillConfig, loadSkillConfig } from "../config/load.ts";
import type { SkillConfig } from "../config/schema.ts";
import { assertName } from "../parse/names.ts";
import { exists } from "../parse/safe-fs.ts";
import { renderPackage } from "../render/package.ts";
import { type DeliverResult, deliverPackage } from "./deliver.ts";
import type { Asker } from "./prompts.ts";

export type SkillSource =
  | { kind: "text"; text: string }
  | { kind: "config"; file: string }
  | { kind: "prompt"; file: string }
  | { kind: "claude"; path: string };

export type OutputMode = "structured" | "single";

/** Where the output goes and what to do when it exists; shared by `new` and `convert`. */
export interface TargetOptions {
  outDir: string;
  force: boolean;
  asker?: Asker | undefined;
}

/** The seed's two preference questions, asked only when a terminal is there and the flag is missing. */
export async function askSource(asker: Asker): Promise<SkillSource> {
  const kind = await asker.choose<SkillSource["kind"]>("What is the input source?", [
    { label: "Text description", description: "describe the skill in your own words", value: "text" },
    {
      label: "Claude skill (convert)",
      description: "a .claude/skills/<name> directory or a command/agent .md",
      value: "claude",
    },
    { label: "Requirements / config file", description: "a skill config in YAML or JSON", value: "config" },
    { label: "Existing Codex prompt", description: "an old ~/.codex/prompts/<name>.md", value: "prompt" },
  ]);
  if (kind === "text")
    return {
      kind,
      text: await asker.text("Describe the skill (what it does, which agents, in what order):"),
    };
  if (kind === "claude")
    return { kind, path: await asker.text("Path of the Claude skill directory or .md file:") };
  return { kind, file: await asker.text("Path of the file:") };
}

export async function askMode(asker: Asker): Promise<OutputMode> {
  return asker.choose<OutputMode>("What is the output mode for this Codex skill?", [
    {
      label: "Structured package",
      description: "SKILL.md + agents/*.toml roles + phases/*.md",
      value: "structured",
    },
    { label: "Single file", description: "one self-contained SKILL.md", value: "single" },
  ]);
}

/**
 * Resolves where a package goes: `<outDir>/<name>`. An existing directory is replaced only with
 * --force or after the user agrees; the user may instead give a new name.
 */
export async function resolveTarget(
  name: string,
  target: TargetOptions,
): Promise<{ name: string; dir: string; overwrite: boolean }> {
  let current = name;
  for (;;) {
    const dir = join(target.outDir, current);
    if (target.force || !(await exists(dir))) return { name: current, dir, overwrite: target.force };
    if (!target.asker) {
      throw new BatonError(
        "E_USAGE",
        `${dir} already exists; pass --force to replace it, or choose another name or --out`,
        {
          file: dir,
        },
      );
    }
    const choice = await target.asker.choose<"overwrite" | "rename" | "cancel">(`${dir} already exists.`, [
      { label: "New name", description: "write the package under another name", value: "rename" },
      { label: "Overwrite", description: "replace the existing directory", value: "overwrite" },
      { label: "Cancel", description: "write nothing", value: "cancel" },
    ]);
    if (choice === "overwrite") return { name: current, dir, overwrite: true };
    if (choice === "cancel") throw new BatonError("E_INTERRUPTED", `cancelled: ${dir} was left as it was`);
    current = assertName(await target.asker.text("New skill name:"), "skill name");
  }
}

/** Builds the config for `baton skill new` from a text, config or prompt source. */
export async function configForSource(
  name: string,
  source: Exclude<SkillSource, { kind: "claude" }>,
  mode: OutputMode | undefined,
): Promise<SkillConfig> {
  if (source.kind === "config") {
    const config = await loadSkillConfig(source.file);
    return {
      ...config,
      name,
      outputMode: mode ?? config.outputMode,
      conversionSource: config.conversionSource ?? { type: "config", path: source.file },
    };
  }
  if (source.kind === "prompt")
    return checkSkillConfig(await configFromPrompt(name, source.file, mode ?? "single"), source.file);
  return checkSkillConfig(configFromText(name, source.text, mode ?? "structured"), "the text description");
}

/**
 * `baton skill new` for text, config and prompt sources: config → package → validate → deliver.
 * @example await newSkillFromConfig(config, { outDir: ".", force: false })
 */
export async function newSkillFromConfig(
  config: SkillConfig,
  target: TargetOptions,
  minScore?: number,
): Promise<DeliverResult> {
  const resolved = await resolveTarget(config.name, target);
  const named = { ...config, name: resolved.name };
  return deliverPackage(renderPackage(named), resolved.dir, {
    overwrite: resolved.overwrite,
    ...(minScore === undefined ? {} : { minScore }),
  });
}
