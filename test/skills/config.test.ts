import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isBatonError } from "../../src/errors.ts";
import { loadSkillConfig, parseSkillConfig } from "../../src/skills/config/load.ts";
import { FIXTURES } from "./helpers.ts";

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
