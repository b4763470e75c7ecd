import { AjvJsonSchemaValidator } from "@modelcontextprotocol/sdk/validation/ajv-provider.js";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { waitOutput } from "../../src/mcp/outputs.ts";
import { sessions } from "./helpers.ts";

const { open } = sessions();

// Each call goes through the SDK 1.32.2 Client after listTools(): it checks structuredContent against
// the tool's outputSchema even on isError results, so an error envelope the schema did not admit would
// make callTool throw instead of returning the error.
describe("error results carry the BatonError code as structuredContent.error", () => {
  it("an unknown id: E_NOT_FOUND, with the same message the text has", async () => {
    const s = await open();
    const result = await s.call("wait", { ids: ["agent-9"], timeout_ms: 10 });
    expect(result.isError).toBe(true);
    const error = result.structured!.error as { code: string; message: string };
    expect(error.code).toBe("E_NOT_FOUND");
    expect(error.message).toContain('no agent with id "agent-9"');
    expect(result.text).toBe(`${error.message} (E_NOT_FOUND)`);
    expect(Object.keys(result.structured!)).toEqual(["error"]);
  });

  it("a closed agent: E_CLOSED; bad arguments: E_USAGE; the server keeps serving", async () => {
    const s = await open();
    await s.call("spawn_agent", { message: "noop" });
    await s.call("wait", { ids: ["agent-1"], timeout_ms: 10_000 });
    expect((await s.call("close_agent", { id: "agent-1" })).structured).toEqual({
      previous_status: "completed",
    });
    const closed = await s.call("send_input", { id: "agent-1", message: "more" });
    expect(closed.structured!.error).toMatchObject({
      code: "E_CLOSED",
      message: expect.stringContaining("was closed"),
    });
    const invalid = await s.call("spawn_agent", { message: "noop", timeout_ms: "soon" });
    expect(invalid.isError).toBe(true);
    expect(invalid.structured!.error).toMatchObject({
      code: "E_USAGE",
      message: expect.stringContaining("timeout_ms"),
    });
    expect((await s.call("spawn_agent", { message: "noop" })).isError).toBeFalsy();
  });

  it("every outputSchema admits its result or the error envelope, nothing else (the SDK's own validator)", async () => {
    const s = await open();
    const { tools } = await s.client.listTools();
    const ajv = new AjvJsonSchemaValidator();
    const envelope = { error: { code: "E_USAGE", message: "m" } };
    for (const tool of tools) {
      const check = ajv.getValidator(tool.outputSchema!);
      expect(check(envelope).valid, tool.name).toBe(true);
      expect(check({}).valid, tool.name).toBe(false);
      expect(check({ error: { code: "E_USAGE" } }).valid, tool.name).toBe(false);
    }
    const wait = ajv.getValidator(tools.find((t) => t.name === "wait")!.outputSchema!);
    const waited = {
      timed_out: false,
      end_reasons: {},
      waited_ms: 1,
      timeout_ms: 1,
      timeout_clamped: false,
      status: {},
      truncated: {},
    };
    expect(wait(waited).valid).toBe(true);
    // Control: the bare result schema (what was advertised before) rejects the envelope.
    const bare = ajv.getValidator(z.toJSONSchema(waitOutput, { io: "output" }) as never);
    expect(bare(envelope).valid).toBe(false);
  });
});
