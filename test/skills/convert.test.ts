import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { parse as parseToml } from "smol-toml";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { convertAgentFile, convertToPackage } from "../../src/skills/convert/convert.ts";
import { scanClaudeConstructs } from "../../src/skills/parse/claude-constructs.ts";
import { listFilesSafe } from "../../src/skills/parse/safe-fs.ts";
import { validatePackage } from "../../src/skills/validate/validate.ts";
import { CLAUDE_PROJECT, tempDir } from "./helpers.ts";

let tmp: Awaited<ReturnType<typeof tempDir>>;
beforeEach(async () => {
  tmp = await tempDir();
});
afterEach(async () => {
  await tmp.cleanup();
});

const SKILL = join(CLAUDE_PROJECT, "skills", "feature-review");

describe("Claude → Codex conversion", () => {
  it("converts a skill with parallel Task calls, resume and TaskOutput into a package scoring >= 80", async () => {
    const result = await convertToPackage(SKILL, { outDir: tmp.dir, force: false });
    expect(result.unconverted).toEqual([]);
    expect(result.delivery.delivered).toBe(true);
    expect(result.delivery.report.autoFails).toEqual([]);
    expect(result.delivery.report.score).toBeGreaterThanOrEqual(80);
    const dir = join(tmp.dir, "feature-review");
    expect(await listFilesSafe(dir)).toEqual([
      "SKILL.md",
      "agents/code-explorer.toml",
      "agents/risk-reviewer.toml",
      "phases/01-scope.md",
      "references/conversion.json",
    ]);
    const skill = await readFile(join(dir, "SKILL.md"), "utf8");
    expect(scanClaudeConstructs(skill, "SKILL.md")).toEqual([]);
    expect(skill).not.toMatch(
      /\bTask\(|TaskOutput\(|resume:|TodoWrite\(|AskUserQuestion\(|\$ARGUMENTS|subagent_type:/,
    );
    // parallel Task() pair → two spawns and one batch wait loop
    expect(skill).toMatch(
      /const architectureAgent = spawn_agent[\s\S]*const testsAgent = spawn_agent[\s\S]*wait_agent\(\{ targets: parallelPending, timeout_ms: 600000 \}\)/,
    );
    // resume: → send_input on the still-open agent, closed only afterwards
    const sendAt = skill.indexOf("send_input({ target: riskTask");
    expect(sendAt).toBeGreaterThan(0);
    expect(skill.indexOf("close_agent({ target: riskTask })\n```", sendAt)).toBeGreaterThan(sendAt);
    // TaskOutput(block, timeout) → wait_agent with that timeout
    expect(skill).toContain("const riskReportWait = wait_agent({ targets: [riskTask], timeout_ms: 600000 })");
    expect(skill).toContain("checklist(["); // no update_plan: codex offers it only when enabled
    expect(skill).not.toContain("update_plan(");
    expect(skill).toContain("askUser({");
    expect(skill).toContain(`\${\`Map the modules touched by: \${USER_REQUEST}`);
    expect(skill).toContain("git diff origin/main...HEAD -- src/"); // shell block verbatim
    expect(skill).toMatch(
      /allowed-tools: spawn_agent wait_agent send_input close_agent request_user_input exec_command/,
    );
  });

  it("turns Claude subagent files into Codex role TOML, keeping the body", async () => {
    await convertToPackage(SKILL, { outDir: tmp.dir, force: false });
    const role = parseToml(
      await readFile(join(tmp.dir, "feature-review", "agents", "code-explorer.toml"), "utf8"),
    ) as Record<string, string>;
    expect(role.name).toBe("code-explorer");
    expect(role.description).toBe("Explores code paths and maps architecture.");
    expect(role.sandbox_mode).toBe("read-only");
    expect(role.developer_instructions).toContain(
      "You are a code explorer. You map how code fits together without changing it.",
    );
    const risk = parseToml(
      await readFile(join(tmp.dir, "feature-review", "agents", "risk-reviewer.toml"), "utf8"),
    ) as Record<string, string>;
    expect(risk.sandbox_mode).toBeUndefined();
    expect(risk.developer_instructions).toContain("## Output Format");
  });

  it("converts a command .md to a single-file skill and an agent .md to a role file", async () => {
    const command = await convertToPackage(join(CLAUDE_PROJECT, "commands", "review", "quick.md"), {
      outDir: tmp.dir,
      force: false,
    });
    expect(command.delivery.dir).toBe(join(tmp.dir, "review-quick"));
    expect(command.delivery.report.score).toBeGreaterThanOrEqual(80);
    const skill = await readFile(join(tmp.dir, "review-quick", "SKILL.md"), "utf8");
    expect(skill).toContain("focusing on the user's request");
    expect(skill).toContain("(run `git diff --stat` first and use its output)");
    expect(skill).toContain("allowed-tools: exec_command");
    const role = await convertAgentFile(join(CLAUDE_PROJECT, "agents", "risk-reviewer.md"), {
      outDir: tmp.dir,
      force: false,
    });
    expect(role.file).toBe(join(tmp.dir, "risk-reviewer.toml"));
    expect(role.notes.join("\n")).toMatch(/"model" has no Codex custom-agent equivalent/);
  });

  it("reports what it cannot convert with file and line, and the package then fails that check", async () => {
    const src = join(tmp.dir, "src", "hand-off");
    const { mkdir } = await import("node:fs/promises");
    await mkdir(src, { recursive: true });
    await writeFile(
      join(src, "SKILL.md"),
      [
        "---",
        "name: hand-off",
        "description: Hands off to another command. Use when testing.",
        "---",
        "# Hand off",
        "When done, run /workflow:execute with the plan.",
        "",
        "```javascript",
        'const all = await Promise.all([Task({ subagent_type: "worker-a", prompt: "A" })])',
        "```",
      ].join("\n"),
    );
    const result = await convertToPackage(src, { outDir: join(tmp.dir, "out"), force: false });
    expect(result.unconverted.map((u) => `${u.construct}@${u.line}`)).toEqual([
      "Task() inside an expression@9",
      "/command hand-off@6",
    ]);
    expect(result.unconverted[0]!.file).toMatch(/hand-off\/SKILL\.md$/);
    const failed = result.delivery.report.checks.filter((c) => !c.pass).map((c) => c.id);
    expect(failed).toContain("conversion-faithful");
  });

  it("records the conversion so a later validate re-checks that prompts stayed verbatim", async () => {
    await convertToPackage(SKILL, { outDir: tmp.dir, force: false });
    const dir = join(tmp.dir, "feature-review");
    const path = join(dir, "SKILL.md");
    const text = await readFile(path, "utf8");
    await writeFile(path, text.replace("List entry points, data flow", "List entry points"));
    const report = await validatePackage(dir);
    const check = report.checks.find((c) => c.id === "conversion-faithful")!;
    expect(check.pass).toBe(false);
    expect(check.locations?.[0]).toMatch(/SKILL\.md:\d+ prompt not found verbatim/);
  });
});
