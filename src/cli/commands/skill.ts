import { resolve } from "node:path";
import { type Command, Option } from "commander";
import { stringify } from "yaml";
import { z } from "zod";
import { BatonError } from "../../errors.ts";
import {
  type Asker,
  askMode,
  askSource,
  assertName,
  canAsk,
  configForSource,
  convertAgentFile,
  convertToPackage,
  createAsker,
  DEFAULT_MIN_SCORE,
  type DeployScope,
  deploySkill,
  formatReport,
  identifySource,
  newSkillFromConfig,
  seedConfigSchema,
  skillConfigSchema,
  validatePackage,
} from "../../skills/index.ts";
import { EXIT } from "../exit-codes.ts";
import type { RegisterCommand } from "./register.ts";
import { type NewFlags, parseMinScore, printDelivery, sourceFromFlags } from "./skill-flags.ts";
import { CONVERT_HELP, DEPLOY_HELP, NEW_HELP, VALIDATE_HELP } from "./skill-help.ts";

async function runNew(rawName: string, flags: NewFlags): Promise<void> {
  const name = assertName(rawName, "skill name");
  const minScore = parseMinScore(flags.minScore);
  const asker: Asker | undefined = canAsk(flags.yes === true) && !flags.json ? createAsker() : undefined;
  try {
    let source = sourceFromFlags(flags);
    if (!source) {
      if (!asker) {
        throw new BatonError(
          "E_USAGE",
          "no input source: give --from-text, --from-config, --from-claude or --from-prompt (see baton skill new --help)",
        );
      }
      source = await askSource(asker);
    }
    const mode = flags.mode ?? (asker && source.kind !== "config" ? await askMode(asker) : undefined);
    const target = { outDir: resolve(flags.out), force: flags.force === true, asker };
    if (source.kind === "claude") {
      const result = await convertToPackage(source.path, { ...target, name, mode, minScore });
      printDelivery(result.delivery, flags.json === true, {
        unconverted: result.unconverted,
        notes: result.notes,
      });
      if (result.unconverted.length > 0 || !result.delivery.report.passed) process.exitCode = EXIT.partial;
      if (!flags.json) for (const line of result.summary) process.stderr.write(`${line}\n`);
      return;
    }
    const config = await configForSource(name, source, mode);
    if (flags.emitConfig) {
      process.stdout.write(
        flags.json ? `${JSON.stringify(config, null, 2)}\n` : stringify(config, { lineWidth: 0 }),
      );
      return;
    }
    printDelivery(await newSkillFromConfig(config, target, minScore), flags.json === true);
  } finally {
    asker?.close();
  }
}

async function runValidate(dir: string, flags: { json?: boolean; minScore: string }): Promise<void> {
  const report = await validatePackage(resolve(dir), { minScore: parseMinScore(flags.minScore) });
  process.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatReport(report)}\n`);
  process.exitCode = report.passed ? EXIT.ok : EXIT.failed;
}

interface ConvertFlags {
  out: string;
  name?: string;
  force?: boolean;
  yes?: boolean;
  json?: boolean;
  minScore: string;
  agentsDir?: string[];
}

async function runConvert(input: string, flags: ConvertFlags): Promise<void> {
  const asker = canAsk(flags.yes === true) && !flags.json ? createAsker() : undefined;
  try {
    const target = { outDir: resolve(flags.out), force: flags.force === true, asker };
    if ((await identifySource(input)).type === "claude-agent") {
      const role = await convertAgentFile(input, { ...target, name: flags.name });
      if (flags.json)
        process.stdout.write(
          `${JSON.stringify({ delivered: true, file: role.file, notes: role.notes }, null, 2)}\n`,
        );
      else {
        for (const note of role.notes) process.stderr.write(`note: ${note}\n`);
        process.stdout.write(`Wrote role ${role.file}. Put it in .codex/agents/ or $CODEX_HOME/agents/.\n`);
      }
      return;
    }
    const name = flags.name === undefined ? undefined : assertName(flags.name, "--name");
    const result = await convertToPackage(input, {
      ...target,
      name,
      minScore: parseMinScore(flags.minScore),
      agentsDirs: (flags.agentsDir ?? []).map((d) => resolve(d)),
    });
    if (!flags.json) for (const line of result.summary) process.stderr.write(`${line}\n`);
    printDelivery(result.delivery, flags.json === true, {
      unconverted: result.unconverted,
      notes: result.notes,
    });
    // Delivered, with constructs left for a person to convert: partial.
    if (result.unconverted.length > 0 || !result.delivery.report.passed) process.exitCode = EXIT.partial;
  } finally {
    asker?.close();
  }
}

interface DeployFlags {
  scope: DeployScope;
  root?: string;
  codexSkills?: boolean;
  force?: boolean;
  dryRun?: boolean;
  json?: boolean;
}

async function runDeploy(dir: string, flags: DeployFlags): Promise<void> {
  const result = await deploySkill(dir, {
    scope: flags.scope,
    root: flags.root,
    codexSkillsDir: flags.codexSkills,
    force: flags.force,
    dryRun: flags.dryRun,
  });
  for (const warning of result.warnings) process.stderr.write(`warning: ${warning}\n`);
  if (flags.json) {
    const { report, ...rest } = result;
    process.stdout.write(`${JSON.stringify({ ...rest, score: report.score }, null, 2)}\n`);
    return;
  }
  const verb = result.dryRun ? "would be " : "";
  const lines = [
    `skill ${result.skill} (score ${result.report.score}) ${verb}${result.skillAction} → ${result.skillDir}`,
  ];
  for (const role of result.roles) {
    const as = role.deployedAs === role.role ? "" : ` as ${role.deployedAs} (${role.reason})`;
    lines.push(`role ${role.role}${as} ${verb}${role.action} → ${role.to}`);
  }
  lines.push(`Use it in Codex with: $${result.skill} <request>`);
  process.stdout.write(`${lines.join("\n")}\n`);
}

export const registerSkill: RegisterCommand = (program: Command) => {
  const skill = program
    .command("skill")
    .description("Design, convert, validate and deploy Codex skill packages (SKILL.md + role TOML files)")
    .addHelpText(
      "after",
      `
Examples:
  baton skill new code-review --from-text "parallel security and test review, then a synthesis" --yes
  baton skill convert .claude/skills/workflow-plan --out ./converted
  baton skill validate ./converted/workflow-plan
  baton skill deploy ./converted/workflow-plan --scope user

See docs/skills.md for the config format and the score table.`,
    );

  skill
    .command("new <name>")
    .description("Generate a skill package from a description, a config, a Claude skill or a Codex prompt")
    .option("--from-text <description>", "derive the skill from a plain description")
    .option("--from-config <file>", "a skill config (YAML or JSON)")
    .option("--from-claude <path>", "a Claude skill directory, command .md or agent .md")
    .option("--from-prompt <file>", "an old Codex custom prompt .md")
    .addOption(
      new Option("--mode <mode>", "structured package or one self-contained SKILL.md").choices([
        "structured",
        "single",
      ]),
    )
    .option("--out <dir>", "directory to create <name>/ in", ".")
    .option("--force", "replace an existing <out>/<name>")
    .option("-y, --yes", "never ask; use defaults for anything not given")
    .option("--json", "print the result and validation report as JSON")
    .option("--min-score <n>", "refuse delivery below this score (never below 70)", String(DEFAULT_MIN_SCORE))
    .option("--emit-config", "print the derived config (YAML; JSON with --json) instead of writing a package")
    .addHelpText("after", NEW_HELP)
    .action((name: string, flags: NewFlags) => runNew(name, flags));

  skill
    .command("validate <dir>")
    .description(
      "Score a skill package (structural 30, pattern 40, content 30) and apply the auto-fail rules",
    )
    .option("--json", "print the report as JSON")
    .option("--min-score <n>", "minimum score to pass", String(DEFAULT_MIN_SCORE))
    .addHelpText("after", VALIDATE_HELP)
    .action((dir: string, flags: { json?: boolean; minScore: string }) => runValidate(dir, flags));

  skill
    .command("convert <source>")
    .description("Convert a Claude skill directory, command .md or agent .md to Codex")
    .option("--out <dir>", "directory to create the package (or role file) in", ".")
    .option("--name <name>", "name of the converted skill or role (default: from the source)")
    .option("--agents-dir <dir...>", "more directories to look for Claude subagent .md files in")
    .option("--force", "replace an existing output")
    .option("-y, --yes", "never ask")
    .option("--json", "print the result and validation report as JSON")
    .option("--min-score <n>", "refuse delivery below this score (never below 70)", String(DEFAULT_MIN_SCORE))
    .addHelpText("after", CONVERT_HELP)
    .action((source: string, flags: ConvertFlags) => runConvert(source, flags));

  skill
    .command("deploy <dir>")
    .description("Install a validated package: SKILL.md into .agents/skills, roles into .codex/agents")
    .addOption(
      new Option(
        "--scope <scope>",
        "project (.agents/skills + .codex/agents under --root) or user (~/.agents/skills + $CODEX_HOME/agents)",
      )
        .choices(["project", "user"])
        .default("project"),
    )
    .option("--root <dir>", "project root for --scope project (default: current directory)")
    .option(
      "--codex-skills",
      "with --scope user: install the skill in $CODEX_HOME/skills instead of ~/.agents/skills",
    )
    .option("--force", "replace an existing, different skill directory")
    .option("--dry-run", "show what would go where, write nothing")
    .option("--json", "print what went where as JSON")
    .addHelpText("after", DEPLOY_HELP)
    .action((dir: string, flags: DeployFlags) => runDeploy(dir, flags));

  skill
    .command("schema")
    .description("Print the skill config format as JSON Schema (baton's spelling or the seed's)")
    .addHelpText(
      "after",
      `
--from-config reads either spelling: baton's (agents[].role, phases[].agents, interaction, timeoutMs,
qualityCriteria) or the seed's codexSkillConfig (agents[].role_file, patterns; phases[].agents_involved,
interaction_model, quality_criteria, timeout_ms, complexity, context as text). The schema printed is
anyOf both.

Example:
  baton skill schema > skill-config.schema.json`,
    )
    .action(() => {
      const options = { io: "input", unrepresentable: "any" } as const;
      const schema = {
        $schema: "https://json-schema.org/draft/2020-12/schema",
        title: "baton skill config",
        anyOf: [
          { title: "baton spelling", ...z.toJSONSchema(skillConfigSchema, options) },
          { title: "seed codexSkillConfig spelling", ...z.toJSONSchema(seedConfigSchema, options) },
        ],
      };
      process.stdout.write(`${JSON.stringify(schema, null, 2)}\n`);
    });
};
