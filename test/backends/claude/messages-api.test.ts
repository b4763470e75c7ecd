import { afterEach, describe, expect, it } from "vitest";
import {
  messagesEvents,
  messagesJson,
  parseMessagesRequest,
} from "../../../src/model-server/messages-api.ts";
import { parseModelScript } from "../../../src/model-server/script.ts";
import { type ModelServer, startModelServer } from "../../../src/model-server/server.ts";

/** The shape Claude Code 2.1.330 sends: context blocks before the prompt, a system-role message, tool rounds. */
const reminder = {
  type: "text",
  text: "<system-reminder>\nAttribution for git commits…\n</system-reminder>\n",
};
const body = (extra: Record<string, unknown> = {}) => ({
  model: "claude-opus-5-5",
  stream: true,
  system: [{ type: "text", text: "You are a Claude agent." }],
  tools: [{ name: "Bash" }, { name: "Read" }],
  messages: [
    { role: "user", content: [reminder, { type: "text", text: "first prompt" }] },
    { role: "system", content: [{ type: "text", text: "# Environment" }] },
    { role: "assistant", content: [{ type: "text", text: "first answer" }] },
    {
      role: "user",
      content: [{ type: "text", text: "LENS: risks — review it", cache_control: { type: "ephemeral" } }],
    },
    { role: "assistant", content: [{ type: "tool_use", id: "t1", name: "Bash", input: { command: "ls" } }] },
    { role: "user", content: [{ type: "tool_result", tool_use_id: "t1", content: "a.txt" }] },
  ],
  ...extra,
});

describe("parseMessagesRequest", () => {
  it("finds the prompt of the turn, its tool rounds and all the text a `contains` rule searches", () => {
    const parsed = parseMessagesRequest(body());
    expect(parsed.lastUserText).toBe("LENS: risks — review it");
    expect(parsed.step).toBe(1);
    expect(parsed.toolOutputs).toEqual([{ type: "tool_result", callId: "t1", output: "a.txt" }]);
    expect(parsed.toolNames).toEqual(["Bash", "Read"]);
    expect(parsed.allInputText).toContain("first answer");
    expect(parsed.allInputText).toContain('Bash {"command":"ls"}');
    expect(parsed.outputSchema).toBeUndefined();
  });

  it("takes the schema of claude's StructuredOutput tool and skips its synthetic reminders", () => {
    const schema = { type: "object", properties: { ok: { type: "boolean" } } };
    const parsed = parseMessagesRequest(
      body({
        tools: [{ name: "StructuredOutput", input_schema: schema }],
        messages: [
          { role: "user", content: "STRUCT please" },
          { role: "assistant", content: [{ type: "text", text: "sure" }] },
          {
            role: "user",
            content: [
              { type: "text", text: "[structured-output-enforce] You MUST call the StructuredOutput tool" },
            ],
          },
        ],
      }),
    );
    expect(parsed.lastUserText).toBe("STRUCT please");
    expect(parsed.outputSchema).toEqual(schema);
  });
});

describe("answers", () => {
  const ctx = (request = parseMessagesRequest(body())) => ({ requestNumber: 3, request });

  it("streams a reply as message_start … message_stop with usage split like the API", () => {
    const events = messagesEvents(
      { reply: "hello", usage: { inputTokens: 100, cachedTokens: 40, outputTokens: 7 } },
      ctx(),
    );
    expect(events.map((e) => e.type)).toEqual([
      "message_start",
      "content_block_start",
      "content_block_delta",
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
    expect((events[0] as unknown as { message: { usage: unknown } }).message.usage).toMatchObject({
      input_tokens: 60,
      cache_read_input_tokens: 40,
    });
    expect(events[4]).toMatchObject({ delta: { stop_reason: "end_turn" }, usage: { output_tokens: 7 } });
  });

  it("answers json through StructuredOutput when offered, tool calls as tool_use, shell as Bash", () => {
    const structured = ctx(
      parseMessagesRequest(body({ tools: [{ name: "StructuredOutput", input_schema: {} }] })),
    );
    const json = messagesJson({ json: { ok: true } }, structured).body as {
      content: unknown[];
      stop_reason: string;
    };
    expect(json.content).toEqual([
      { type: "tool_use", id: "toolu_3_0", name: "StructuredOutput", input: { ok: true } },
    ]);
    expect(json.stop_reason).toBe("tool_use");
    expect((messagesJson({ json: { ok: true } }, ctx()).body as { content: unknown[] }).content).toEqual([
      { type: "text", text: '{"ok":true}' },
    ]);
    const call = messagesJson(
      { toolCall: { name: "spawn_agent", namespace: "mcp__baton", arguments: { message: "x" } } },
      ctx(),
    ).body as {
      content: { name: string }[];
    };
    expect(call.content[0]!.name).toBe("mcp__baton__spawn_agent");
    const shell = messagesEvents({ shell: "echo hi" }, ctx());
    expect(shell[1]).toMatchObject({ content_block: { type: "tool_use", name: "Bash", input: {} } });
    expect(shell[2]).toMatchObject({
      delta: {
        type: "input_json_delta",
        partial_json: '{"command":"echo hi","description":"scripted command"}',
      },
    });
  });

  it("fail is an error event in a stream and an HTTP error without streaming", () => {
    const events = messagesEvents({ fail: { message: "busy", code: "overloaded_error" } }, ctx());
    expect(events.map((e) => e.type)).toEqual(["message_start", "error"]);
    expect(messagesJson({ fail: "broken" }, ctx())).toEqual({
      status: 500,
      body: { type: "error", error: { type: "api_error", message: "broken" } },
    });
  });
});

describe("the model server's Messages route", () => {
  let server: ModelServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  it("answers HEAD /, streams POST /v1/messages and records the request", async () => {
    server = await startModelServer({
      script: parseModelScript({ rules: [{ match: "LENS: risks", reply: "one risk" }] }),
    });
    expect((await fetch(`${server.origin}/`, { method: "HEAD" })).status).toBe(200);
    const res = await fetch(`${server.origin}/v1/messages?beta=true`, {
      method: "POST",
      body: JSON.stringify(body()),
    });
    expect(res.headers.get("content-type")).toBe("text/event-stream");
    const text = await res.text();
    expect(text).toContain("event: message_start\n");
    expect(text).toContain('"text":"one risk"');
    expect(server.requests[0]).toMatchObject({
      path: "/v1/messages",
      rule: 0,
      step: 1,
      lastUserText: "LENS: risks — review it",
    });
  });

  it("answers a non-streaming retry with one JSON message, and http rules with Anthropic's error shape", async () => {
    server = await startModelServer({
      script: parseModelScript({
        rules: [{ match: "LENS", http: { status: 529 } }],
        default: { reply: "plain" },
      }),
    });
    const plain = await fetch(`${server.origin}/v1/messages`, {
      method: "POST",
      body: JSON.stringify({ ...body(), stream: false, messages: [{ role: "user", content: "hi" }] }),
    });
    expect(await plain.json()).toMatchObject({
      type: "message",
      content: [{ type: "text", text: "plain" }],
      stop_reason: "end_turn",
    });
    const overloaded = await fetch(`${server.origin}/v1/messages`, {
      method: "POST",
      body: JSON.stringify(body()),
    });
    expect(overloaded.status).toBe(529);
    expect(await overloaded.json()).toEqual({
      type: "error",
      error: { type: "overloaded_error", message: "scripted HTTP 529" },
    });
  });
});
