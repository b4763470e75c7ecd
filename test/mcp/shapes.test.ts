import { describe, expect, it } from "vitest";
import { SANDBOX_MODES } from "../../src/backends/sandbox.ts";
import { AgentStatusSchema } from "../../src/core/status.ts";
import { UsageSchema } from "../../src/core/usage.ts";
import { BATON_ERROR_CODES } from "../../src/errors.ts";
import { toolOutputSchema } from "../../src/mcp/json-schema.ts";
import { closeAgentOutput, errorOutput, roleEntry, usageOutput } from "../../src/mcp/outputs.ts";
import { snakeKeys } from "../../src/mcp/snake.ts";

describe("MCP shapes are the core's, in Codex's snake_case", () => {
  it("usage is UsageSchema renamed: the same fields and the same checks", () => {
    expect(Object.keys(usageOutput.shape)).toEqual(
      Object.keys(UsageSchema.shape).map((k) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)),
    );
    const usage = { inputTokens: 7, cachedInputTokens: 1, outputTokens: 2, reasoningTokens: 0 };
    expect(usageOutput.parse(snakeKeys(usage))).toEqual({
      input_tokens: 7,
      cached_input_tokens: 1,
      output_tokens: 2,
      reasoning_tokens: 0,
    });
    // UsageSchema's own rule (whole, not negative) holds for the MCP spelling too.
    expect(usageOutput.safeParse({ ...snakeKeys(usage), output_tokens: -1 }).success).toBe(false);
  });

  it("an error result's code is one of BatonError's codes; statuses and sandboxes are the core's enums", () => {
    expect(errorOutput.safeParse({ error: { code: "E_TIMEOUT", message: "m" } }).success).toBe(true);
    expect(errorOutput.safeParse({ error: { code: "E_SOMETHING", message: "m" } }).success).toBe(false);
    const json = toolOutputSchema(closeAgentOutput) as {
      properties: {
        error: { properties: { code: { enum: string[] } } };
        previous_status: { enum: string[] };
      };
    };
    expect(json.properties.error.properties.code.enum).toEqual([...BATON_ERROR_CODES]);
    expect(json.properties.previous_status.enum).toEqual(AgentStatusSchema.options);
    expect(roleEntry.shape.sandbox.unwrap().options).toEqual([...SANDBOX_MODES]);
  });
});
