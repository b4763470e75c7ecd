import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parse as parseToml } from "smol-toml";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { configFromText } from "../../src/skills/config/from-text.ts";
import { checkSkillConfig } from "../../src/skills/config/load.ts";
import { newSkillFromConfig } from "../../src/skills/package/create.ts";
import { scanClaudeConstructs } from "../../src/skills/parse/claude-constructs.ts";
import { findCalls } from "../../src/skills/parse/code-calls.ts";
import { tokenize } from "../../src/skills/parse/code-lexer.ts";
import { parseMarkdown } from "../../src/skills/parse/markdown.ts";
import { renderPackage } from "../../src/skills/render/package.ts";
import { reviewConfig, tempDir } from "./helpers.ts";

let tmp: Awaited<ReturnType<typeof tempDir>>;
beforeEach(async () => {
  tmp = await tempDir();
});
afterEach(async () => {
  await tmp.cleanup();
});

describe("package generation from a config", () => {
  it("writes SKILL.md, one TOML role per agent and a phase file for the complex phase, scoring >= 80", async () => {
    const result = await newSkillFromConfig(await reviewConfig(), { outDir: tmp.dir, force: false });
    expect(result.delivered).toBe(true);
    expect(result.report.score).toBeGreaterThanOrEqual(80);
    expect(result.report.autoFails).toEqual([]);
    const dir = join(tmp.dir, "code-review");
    const skill = await readFile(join(dir, "SKILL.md"), "utf8");
    expect(skill).toMatch(/^---\nname: code-review\ndescription: /);
    for (const section of [
      "Architecture",
      "Agent Registry",
      "Phase Execution",
      "Result Aggregation",
      "Lifecycle Management",
      "Error Handling",
    ]) {
      expect(skill).toContain(`## ${section}`);
    }
    expect(scanClaudeConstructs(skill, "SKILL.md")).toEqual([]);
    const role = parseToml(await readFile(join(dir, "agents", "synthesizer.toml"), "utf8")) as Record<
      string,
      string
    >;
    expect(role.name).toBe("synthesizer");
    expect(role.developer_instructions).toContain("## Core Capabilities");
    expect(role.developer_instructions).toContain("## Execution Process");
    expect(role.developer_instructions).toContain("## Key Reminders");
    expect(role.developer_instructions).toContain("## Error Handling");
    expect(role.developer_instructions).toContain("Rank findings by severity");
    expect(role.developer_instructions).toMatch(
      /Summary:[\s\S]*Findings:[\s\S]*Proposed changes:[\s\S]*Tests:[\s\S]*Open questions:/,
    );
    expect(await readFile(join(dir, "phases", "01-parallel-review.md"), "utf8")).toContain(
      "## Quality Criteria",
    );
  });

  it("uses Codex's real tools in every block: timeouts, timed_out checks, a close per spawn", async () => {
    const files = renderPackage(await reviewConfig());
    const doc = parseMarkdown(files.get("SKILL.md")!);
    const code = doc.codeBlocks
      .filter((b) => b.lang === "javascript")
      .map((b) => b.text)
      .join("\n;\n");
    const calls = findCalls(code, ["spawn_agent", "wait_agent", "send_input", "close_agent"]);
    const waits = calls.filter((c) => c.name === "wait_agent");
    expect(calls.filter((c) => c.name === "spawn_agent")).toHaveLength(3);
    expect(waits.every((w) => w.entries?.some((e) => e.key === "timeout_ms"))).toBe(true);
    for (const wait of waits) expect(code.slice(wait.end)).toContain(`${wait.binding!.name}.timed_out`);
    expect(calls.some((c) => c.name === "send_input")).toBe(true);
    // every message is one well-formed template literal
    for (const spawn of calls.filter((c) => c.name === "spawn_agent")) {
      const message = spawn.entries!.find((e) => e.key === "message")!.value;
      expect(tokenize(message).filter((t) => t.kind !== "space")).toHaveLength(1);
    }
  });

  it("renders every interaction model and single mode, all passing validation", async () => {
    const base = await reviewConfig();
    const config = checkSkillConfig(
      {
        ...base,
        name: "all-models",
        phases: [
          { name: "Std", goal: "g1", deliverables: ["d"], agents: ["security-reviewer"] },
          {
            name: "Fan",
            goal: "g2",
            deliverables: ["d"],
            agents: ["correctness-reviewer"],
            interaction: "parallel-fanout",
          },
          {
            name: "Deep",
            goal: "g3",
            deliverables: ["d"],
            agents: ["synthesizer"],
            interaction: "deep-interaction",
          },
          {
            name: "Pipe",
            goal: "g4",
            deliverables: ["d"],
            agents: ["security-reviewer", "synthesizer"],
            interaction: "pipeline",
          },
        ],
        parallelSplits: [],
      },
      "test",
    );
    for (const outputMode of ["structured", "single"] as const) {
      const result = await newSkillFromConfig(
        { ...config, outputMode, name: `all-${outputMode}` },
        { outDir: tmp.dir, force: false },
      );
      expect(result.report.autoFails).toEqual([]);
      expect(
        result.report.score,
        JSON.stringify(result.report.checks.filter((c) => !c.pass)),
      ).toBeGreaterThanOrEqual(80);
    }
    const single = await readFile(join(tmp.dir, "all-single", "SKILL.md"), "utf8");
    expect(single).toContain("## Role: synthesizer");
    expect(single).toContain("securityReviewer4Result"); // pipeline: stage 2 gets stage 1's result
  });

  it("derives a config from a text description deterministically", () => {
    const text = "A 3-agent parallel code review: security, tests and a synthesis";
    const first = configFromText("code-review", text, "structured");
    expect(configFromText("code-review", text, "structured")).toEqual(first);
    expect(first.agents!.map((a) => a.name)).toEqual(["security-reviewer", "tester", "synthesizer"]);
    const config = checkSkillConfig(first, "text");
    expect(config.phases.map((p) => p.interaction)).toEqual(["parallel-fanout", "standard"]);
  });

  it("never overwrites an existing package silently", async () => {
    const config = await reviewConfig();
    await newSkillFromConfig(config, { outDir: tmp.dir, force: false });
    await expect(newSkillFromConfig(config, { outDir: tmp.dir, force: false })).rejects.toThrow(
      /already exists; pass --force/,
    );
    const again = await newSkillFromConfig(config, { outDir: tmp.dir, force: true });
    expect(again.delivered).toBe(true);
  });
});
