import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isBatonError } from "../../src/errors.ts";
import { loadSkillConfig, parseSkillConfig } from "../../src/skills/config/load.ts";
import { validatePackage } from "../../src/skills/validate/validate.ts";
import { FIXTURES, tempDir, writeRendered } from "./helpers.ts";

async function errorOf(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    if (isBatonError(error)) return error;
    throw error;
  }
  throw new Error("expected an error");
}

describe("skill config", () => {
  it("loads the YAML config and fills defaults (interaction, timeouts)", async () => {
    const config = await loadSkillConfig(join(FIXTURES, "review.skill.yaml"));
    expect(config.name).toBe("code-review");
    expect(config.phases[0]!.interaction).toBe("parallel-fanout");
    expect(config.phases[0]!.timeoutMs).toBe(600_000);
    expect(config.phases[1]!.interaction).toBe("two-phase");
    expect(config.phases[1]!.timeoutMs).toBe(300_000);
  });

  it("reads JSON too, and accepts interaction models as people spell them", () => {
    const config = parseSkillConfig(
      JSON.stringify({
        name: "x-skill",
        description: "Does x. Use when testing.",
        agents: [{ name: "a", role: "A", responsibility: "does a" }],
        phases: [
          { name: "P", goal: "g", deliverables: ["d"], agents: ["a"], interaction: "Deep Interaction" },
        ],
      }),
      "x.json",
    );
    expect(config.phases[0]!.interaction).toBe("deep-interaction");
  });

  it("names file and line when the YAML does not parse", async () => {
    const error = await errorOf(loadSkillConfig(join(FIXTURES, "bad-input", "broken.yaml")));
    expect(error.code).toBe("E_CONFIG");
    expect(error.message).toMatch(/broken\.yaml:\d+: the config does not parse/);
    expect(error.details.line).toBeGreaterThanOrEqual(5);
  });

  it("rejects a name with '..' or '/' and an undeclared agent, each with its line", async () => {
    const error = await errorOf(loadSkillConfig(join(FIXTURES, "bad-input", "bad-name.yaml")));
    expect(error.message).toMatch(/bad-name\.yaml:1 name: "\.\.\/evil" is not a valid name/);
    expect(error.message).toMatch(/bad-name\.yaml:11 phases\.0\.agents\.1: agent "ghost" is not declared/);
  });

  it("rejects a two-phase phase with two agents", () => {
    expect(() =>
      parseSkillConfig(
        [
          "name: t",
          "description: d",
          "agents:",
          "  - { name: a, role: A, responsibility: r }",
          "  - { name: b, role: B, responsibility: r }",
          "phases:",
          "  - { name: P, goal: g, deliverables: [d], agents: [a, b], interaction: two-phase }",
        ].join("\n"),
        "t.yaml",
      ),
    ).toThrow(/t\.yaml:7 phases\.0\.agents: a two-phase phase talks to exactly one agent/);
  });
});

describe("the seed's codexSkillConfig spelling", () => {
  const SEED = join(FIXTURES, "..", "..", "fixtures", "skills-config", "seed-review.json");

  it("maps role_file/patterns/agents_involved/interaction_model/quality_criteria/timeout_ms/complexity/context", async () => {
    const config = await loadSkillConfig(SEED);
    expect(config.agents.map((a) => a.name)).toEqual(["api-reviewer", "test-reviewer", "summarizer"]);
    expect(config.agents[0]!.capabilities).toEqual(["structured output", "evidence with file:line"]);
    expect(config.agents[2]!.capabilities).toEqual(["two-phase clarification"]);
    const [review, synthesis] = config.phases;
    expect(review!.agents).toEqual(["api-reviewer", "test-reviewer"]);
    expect(review!.interaction).toBe("parallel-fanout");
    expect(review!.qualityCriteria).toEqual(["every finding has evidence"]);
    expect(review!.timeoutMs).toBe(600_000);
    expect(review!.complexity).toBe("complex");
    expect(review!.context).toEqual(["The output of git diff for the branch against its base"]);
    expect(synthesis!.interaction).toBe("two-phase");
    expect(synthesis!.goal).toMatch(/Synthesis/);
    expect(config.parallelSplits).toEqual([
      { phase: "Review", strategy: "by concern", agents: ["api-reviewer", "test-reviewer"] },
    ]);
  });

  it("generates a package from the seed-format config that scores at least 80 with no auto-fail", async () => {
    const tmp = await tempDir();
    try {
      const report = await validatePackage(await writeRendered(await loadSkillConfig(SEED), tmp.dir));
      expect(report.autoFails).toEqual([]);
      expect(report.score).toBeGreaterThanOrEqual(80);
    } finally {
      await tmp.cleanup();
    }
  });

  it("accepts every interaction_model spelling of the seed and names seed fields in errors", () => {
    const seed = (model: string, agents: string[]) =>
      JSON.stringify({
        name: "s-skill",
        description: "Does s. Use when testing.",
        agents: [
          { name: "a", role_file: "agents/a.md", responsibility: "does a" },
          { name: "b", role_file: "agents/b.md", responsibility: "does b" },
        ],
        phases: [{ name: "P", agents_involved: agents, interaction_model: model }],
      });
    const spellings: Array<[string, string[], string]> = [
      ["parallel fan-out", ["a", "b"], "parallel-fanout"],
      ["deep interaction", ["a"], "deep-interaction"],
      ["two-phase", ["a"], "two-phase"],
      ["pipeline", ["a", "b"], "pipeline"],
      ["standard", ["a"], "standard"],
    ];
    for (const [model, agents, expected] of spellings) {
      expect(parseSkillConfig(seed(model, agents), "s.json").phases[0]!.interaction).toBe(expected);
    }
    expect(() => parseSkillConfig(seed("standard", ["a", "nobody"]), "s.json")).toThrow(
      /phases\.0\.agents_involved\.1: agent "nobody" is not declared/,
    );
  });
});
