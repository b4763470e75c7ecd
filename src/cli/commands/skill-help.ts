/** The `--help` texts of `baton skill` subcommands (examples included). */

export const NEW_HELP = `
Input sources (one of them; on a terminal you are asked when none is given):
  --from-text "<description>"   roles and phases derived from the words (deterministic, no model)
  --from-config FILE            a skill config in YAML or JSON (see: baton skill schema, docs/skills.md)
  --from-claude DIR|FILE        a Claude skill dir, command .md or agent .md (same as: baton skill convert)
  --from-prompt FILE            an old Codex custom prompt (~/.codex/prompts/NAME.md)

The package is validated before it is written; below the minimum score (at least 70) nothing is
written and the report says why. An existing <out>/<name> is never replaced silently.

Examples:
  baton skill new code-review --from-text "A 3-agent parallel code review: security, tests, synthesis" --yes
  baton skill new code-review --from-config review.skill.yaml --out .agents/skills
  baton skill new code-review --from-text "..." --emit-config > review.skill.yaml   # edit, then --from-config
  baton skill new plan --from-prompt ~/.codex/prompts/plan.md --mode single`;

export const VALIDATE_HELP = `
Checks (score = sum of passed points): structural 30, pattern 40, content 30, plus auto-fail rules
(no SKILL.md; a Claude call left in any form, a YAML Task: block or a prose subagent_type; no agent
registry; spawn without close_agent; a role TOML codex would skip; a spawn of a role that does not
exist; role text inline; frontmatter breaking the Agent Skills rules). Exit 0 only when score >= --min-score and nothing auto-fails.

Examples:
  baton skill validate .agents/skills/code-review
  baton skill validate ./code-review --json --min-score 85 | jq .checks`;

export const CONVERT_HELP = `
What converts (read on the Markdown structure: calls only in code, substitutions only in prose;
prompts, shell blocks, tables, quotes, Markdown-fenced examples and counter-examples stay verbatim):
  Task()/Agent() in object, keyword (a="…") or positional form, and YAML "Task:" blocks
      → spawn_agent + wait_agent (timeout_ms, timed_out check) + close_agent after the last read
  several Task() in a row → spawns + one batch wait_agent      run_in_background → spawn now, wait later
  TaskOutput() → wait_agent on the same, still-open id         resume: / SendMessage() to it → send_input
  TaskStop() → close_agent        AskUserQuestion() → one ask-the-user step    TodoWrite() → a checklist
  subagent_type (code, YAML or prose) → agent_type; NAME.md from --agents-dir, the skill's or plugin's
      agents/, or .claude/agents/ → agents/NAME.toml; an unknown type is reported
  $ARGUMENTS, $1, !\`cmd\`, @agent-x, \${CLAUDE_PLUGIN_ROOT} (files it names are copied in)
Tool names merely mentioned in prose are kept and explained in a "Claude Code terms" section.
Anything not converted is reported with file and line and recorded in references/conversion.json
(with every source line that was rewritten). The package is always written. Exit 0: nothing left and
it validates. Exit 3: something is left for you, or it scores below --min-score (the report says
which; validate and deploy refuse it until it is fixed). Exit 1/2: unreadable input or bad usage.
A Claude agent .md converts to a Codex role file <out>/<name>.toml instead of a skill.

Examples:
  baton skill convert .claude/skills/workflow-plan --out ./converted
  baton skill convert .claude/commands/review/quick.md --out ./converted    # skill "review-quick"
  baton skill convert .claude/agents/code-explorer.md --out .codex/agents`;

export const DEPLOY_HELP = `
Where things go:
  --scope project   <root>/.agents/skills/<name>/ and <root>/.codex/agents/<role>.toml
                    (codex loads project roles only in projects your codex config trusts: deploy warns otherwise)
  --scope user      ~/.agents/skills/<name>/ and $CODEX_HOME/agents/<role>.toml ($CODEX_HOME defaults to ~/.codex);
                    with --codex-skills the skill goes to $CODEX_HOME/skills/<name>/ instead
A skill named like one codex bundles (skill-creator, skill-installer, openai-docs, imagegen, review-agent)
is never injected by codex: deploy warns and suggests a name.
A role whose name is taken by a different file (or is a Codex built-in: default, explorer, worker)
is installed as <skill>-<role>, and the deployed SKILL.md refers to it by that name.
The package must pass validation first. An existing, different skill directory needs --force.

Examples:
  baton skill deploy ./code-review
  baton skill deploy ./code-review --scope user --dry-run
  CODEX_HOME=/tmp/codex baton skill deploy ./code-review --scope user --json`;
