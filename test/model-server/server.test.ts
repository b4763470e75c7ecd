import { request } from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import { parseModelScript } from "../../src/model-server/script.ts";
import { type ModelServer, type RecordedRequest, startModelServer } from "../../src/model-server/server.ts";

let server: ModelServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function start(
  script: unknown,
  extra: { idleTimeoutMs?: number; onRequest?: (r: RecordedRequest) => void } = {},
) {
  server = await startModelServer({ script: parseModelScript(script), ...extra });
  return server;
}

interface Reply {
  status: number;
  headers: Headers;
  events: { type: string; [k: string]: unknown }[];
  text: string;
}

async function post(body: unknown, path = "/v1/responses"): Promise<Reply> {
  const res = await fetch(`http://127.0.0.1:${server!.port}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  const events = res.headers.get("content-type")?.startsWith("text/event-stream")
    ? text
        .split("\n\n")
        .filter(Boolean)
        .map((chunk) => {
          const [eventLine, dataLine] = chunk.split("\n");
          const event = JSON.parse(dataLine!.slice("data: ".length));
          expect(eventLine).toBe(`event: ${event.type}`);
          return event;
        })
    : [];
  return { status: res.status, headers: res.headers, events, text };
}

const userMsg = (text: string) => ({
  type: "message",
  role: "user",
  content: [{ type: "input_text", text }],
});
const tools = [
  { type: "function", name: "exec_command", parameters: {} },
  { type: "namespace", name: "mcp__files", tools: [{ type: "function", name: "read" }] },
  { type: "web_search" },
];
/** A codex-like request: context block, the prompt, then `outputs` rounds of a call and its output. */
function codexBody(prompt: string, opts: { outputs?: number; history?: unknown[]; text?: unknown } = {}) {
  const input: unknown[] = [
    ...(opts.history ?? []),
    userMsg("<environment_context>\n  <cwd>/tmp/x</cwd>\n</environment_context>"),
    userMsg(prompt),
  ];
  for (let k = 0; k < (opts.outputs ?? 0); k++) {
    input.push({ type: "function_call", call_id: `c${k}`, name: "exec_command", arguments: "{}" });
    input.push({ type: "function_call_output", call_id: `c${k}`, output: "done" });
  }
  return { model: "scripted-model", stream: true, input, tools, ...(opts.text ? { text: opts.text } : {}) };
}

const lastItem = (r: Reply) =>
  r.events.filter((e) => e.type === "response.output_item.done").at(-1)?.item as
    | Record<string, unknown>
    | undefined;
const messageText = (r: Reply) => ((lastItem(r)?.content as { text: string }[] | undefined) ?? [])[0]?.text;

describe("rules", () => {
  it("tries rules in order, honours times and falls back to the default", async () => {
    await start({
      rules: [
        { match: "review", times: 2, reply: "first" },
        { match: "review", reply: "second" },
      ],
      default: { reply: "fallback" },
    });
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(messageText(await post(codexBody("please review"))));
    answers.push(messageText(await post(codexBody("something else"))));
    expect(answers).toEqual(["first", "first", "second", "fallback"]);
    expect(server!.requests.map((r) => r.rule)).toEqual([0, 0, 1, "default"]);
  });

  it("matches the prompt, not the injected context, with regexes and contains", async () => {
    await start({
      rules: [
        { match: "/^fix (\\w+)$/i", contains: "earlier answer", reply: "regex+contains" },
        { match: "cwd", reply: "context leaked into match" },
        { match: "/^FIX/i", reply: "regex only" },
      ],
    });
    const history = [
      userMsg("first turn"),
      { type: "message", role: "assistant", content: [{ type: "output_text", text: "an earlier answer" }] },
    ];
    expect(messageText(await post(codexBody("Fix bugs", { history })))).toBe("regex+contains");
    expect(messageText(await post(codexBody("Fix bugs")))).toBe("regex only");
    expect(messageText(await post(codexBody("nothing")))).toBe("ok");
    expect(server!.requests[0]!.lastUserText).toBe("Fix bugs");
  });

  it("answers step k of a multi-step rule when k rounds of tool output follow the prompt", async () => {
    await start({
      rules: [
        {
          match: "long job",
          times: 1,
          steps: [
            { shell: "sleep 1" },
            { toolCall: { namespace: "mcp__files", name: "read", arguments: { path: "a" } } },
            { reply: "done" },
          ],
        },
      ],
      default: { reply: "default" },
    });
    const s0 = lastItem(await post(codexBody("long job")));
    expect(s0).toMatchObject({
      type: "function_call",
      name: "exec_command",
      arguments: JSON.stringify({ cmd: "sleep 1" }),
    });
    const s1 = lastItem(await post(codexBody("long job", { outputs: 1 })));
    expect(s1).toMatchObject({
      type: "function_call",
      namespace: "mcp__files",
      name: "read",
      arguments: '{"path":"a"}',
    });
    expect(messageText(await post(codexBody("long job", { outputs: 2 })))).toBe("done");
    // Past the last step, and a new run after times: 1 is used up, fall through to the default.
    expect(messageText(await post(codexBody("long job", { outputs: 3 })))).toBe("default");
    expect(messageText(await post(codexBody("long job")))).toBe("default");
    expect(server!.requests.map((r) => [r.rule, r.step])).toEqual([
      [0, 0],
      [0, 1],
      [0, 2],
      ["default", 3],
      ["default", 0],
    ]);
  });

  it("counts parallel tool outputs as one step", async () => {
    await start({
      rules: [
        {
          steps: [
            {
              toolCall: [
                { name: "exec_command", arguments: { cmd: "a" } },
                { name: "exec_command", arguments: { cmd: "b" } },
              ],
            },
            { reply: "after both" },
          ],
        },
      ],
    });
    const first = await post(codexBody("go"));
    const calls = first.events.filter((e) => e.type === "response.output_item.done").map((e) => e.item);
    expect(calls).toHaveLength(2);
    const body = codexBody("go");
    body.input.push(
      ...calls,
      ...calls.map((c) => ({
        type: "function_call_output",
        call_id: (c as { call_id: string }).call_id,
        output: "x",
      })),
    );
    expect(messageText(await post(body))).toBe("after both");
  });
});

describe("answers", () => {
  it("streams a reply with reasoning and deterministic usage", async () => {
    await start({ rules: [{ reasoning: "thinking", reply: "12345678" }] });
    const r = await post(codexBody("hi"));
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toBe("text/event-stream");
    expect(r.events.map((e) => e.type)).toEqual([
      "response.created",
      "response.output_item.done",
      "response.output_item.added",
      "response.output_text.delta",
      "response.output_item.done",
      "response.completed",
    ]);
    expect(r.events[1]!.item).toMatchObject({
      type: "reasoning",
      summary: [{ type: "summary_text", text: "thinking" }],
    });
    const usage = (r.events.at(-1)!.response as { usage: Record<string, unknown> }).usage;
    // output: 8 chars of text = 2 tokens, plus 8 chars of reasoning = 2 tokens.
    expect(usage).toMatchObject({ output_tokens: 4, output_tokens_details: { reasoning_tokens: 2 } });
    const again = await post(codexBody("hi"));
    expect((again.events.at(-1)!.response as { usage: unknown }).usage).toEqual(usage);
  });

  it("lets a script set the usage numbers", async () => {
    await start({
      rules: [{ reply: "x", usage: { inputTokens: 1000, outputTokens: 50, cachedTokens: 10 } }],
    });
    const usage = ((await post(codexBody("hi"))).events.at(-1)!.response as { usage: unknown }).usage;
    expect(usage).toEqual({
      input_tokens: 1000,
      input_tokens_details: { cached_tokens: 10 },
      output_tokens: 50,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: 1050,
    });
  });

  it("answers json as the message text", async () => {
    await start({ rules: [{ json: { ok: true, n: [1] } }] });
    expect(JSON.parse(messageText(await post(codexBody("hi")))!)).toEqual({ ok: true, n: [1] });
  });

  it("builds a minimal instance of a nested text.format schema for jsonAuto", async () => {
    await start({ rules: [{ jsonAuto: true }] });
    const schema = {
      type: "object",
      properties: {
        verdict: { type: "string", enum: ["approve", "reject"] },
        score: { type: "integer", minimum: 1 },
        findings: {
          type: "array",
          minItems: 1,
          items: { $ref: "#/$defs/finding" },
        },
        note: { anyOf: [{ type: "null" }, { type: "string", minLength: 2 }] },
        meta: {
          type: "object",
          properties: { done: { type: "boolean" }, tags: { type: "array", items: { type: "string" } } },
        },
      },
      required: ["verdict", "score", "findings", "note", "meta"],
      additionalProperties: false,
      $defs: {
        finding: {
          type: "object",
          properties: {
            file: { type: "string" },
            line: { type: ["integer", "null"] },
            kind: { const: "bug" },
          },
          required: ["file", "line", "kind"],
        },
      },
    };
    const r = await post(
      codexBody("hi", {
        text: { format: { type: "json_schema", name: "codex_output_schema", strict: true, schema } },
      }),
    );
    expect(JSON.parse(messageText(r)!)).toEqual({
      verdict: "approve",
      score: 1,
      findings: [{ file: "", line: 0, kind: "bug" }],
      note: "xx",
      meta: { done: false, tags: [] },
    });
  });

  it("fails the turn with jsonAuto when the request has no schema", async () => {
    await start({ rules: [{ jsonAuto: true }] });
    const r = await post(codexBody("hi"));
    expect(r.events.at(-1)).toMatchObject({
      type: "response.failed",
      response: { error: { message: expect.stringContaining("jsonAuto") } },
    });
  });

  it("sends response.failed with the scripted message and code", async () => {
    await start({
      rules: [
        { match: "a", fail: "boom" },
        { match: "b", fail: { message: "full", code: "context_length_exceeded" } },
      ],
    });
    expect((await post(codexBody("a"))).events.at(-1)).toEqual({
      type: "response.failed",
      response: { id: "resp_1", status: "failed", error: { code: "server_error", message: "boom" } },
    });
    expect((await post(codexBody("b"))).events.at(-1)).toMatchObject({
      response: { error: { code: "context_length_exceeded", message: "full" } },
    });
  });

  it("answers a plain HTTP error with retry-after", async () => {
    await start({
      rules: [
        { match: "a", http: { status: 429, retryAfterSeconds: 7 } },
        { match: "b", http: { status: 503, body: "down" } },
      ],
    });
    const a = await post(codexBody("a"));
    expect(a.status).toBe(429);
    expect(a.headers.get("retry-after")).toBe("7");
    expect(JSON.parse(a.text)).toMatchObject({ error: { message: expect.stringContaining("429") } });
    const b = await post(codexBody("b"));
    expect([b.status, b.text, b.headers.get("retry-after")]).toEqual([503, "down", null]);
    expect(server!.requests.map((r) => r.status)).toEqual([429, 503]);
  });

  it("adapts shell sugar to the shell tool the client offers", async () => {
    await start({ rules: [{ shell: "echo hi" }] });
    const body = { ...codexBody("x"), tools: [{ type: "function", name: "shell" }] };
    expect(lastItem(await post(body))).toMatchObject({
      name: "shell",
      arguments: JSON.stringify({ command: ["bash", "-lc", "echo hi"] }),
    });
  });

  it("warns about a toolCall of a tool the client did not offer", async () => {
    await start({
      rules: [
        { match: "bad", toolCall: { name: "mcp__files__read" } },
        { toolCall: { namespace: "mcp__files", name: "read" } },
      ],
    });
    await post(codexBody("bad"));
    await post(codexBody("good"));
    expect(server!.requests[0]!.warning).toMatch(/mcp__files__read is not among the tools offered/);
    expect(server!.requests[1]!.warning).toBeUndefined();
    expect(server!.requests[1]!.toolNames).toEqual(["exec_command", "mcp__files/read", "web_search"]);
  });

  it("waits delayMs before answering", async () => {
    await start({ rules: [{ reply: "late", delayMs: 300 }] });
    const t0 = performance.now();
    expect(messageText(await post(codexBody("x")))).toBe("late");
    expect(performance.now() - t0).toBeGreaterThanOrEqual(290);
  });
});

describe("server", () => {
  it("records requests and reports them to onRequest", async () => {
    const seen: RecordedRequest[] = [];
    await start({ rules: [{ reply: "a" }] }, { onRequest: (r) => seen.push(r) });
    await post(codexBody("hello"));
    expect(server!.url).toBe(`http://127.0.0.1:${server!.port}/v1`);
    expect(seen).toEqual(server!.requests);
    expect(seen[0]).toMatchObject({
      path: "/v1/responses",
      rule: 0,
      step: 0,
      action: "reply",
      lastUserText: "hello",
      model: "scripted-model",
      status: 200,
    });
    expect(typeof seen[0]!.at).toBe("number");
  });

  it("answers unknown paths with 404 and bad JSON with 400", async () => {
    await start({});
    const notFound = await post({}, "/v1/chat/completions");
    expect(notFound.status).toBe(404);
    expect(JSON.parse(notFound.text).error.message).toMatch(/POST \/v1\/responses/);
    const bad = await post("{not json");
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.text).error.type).toBe("invalid_request_error");
    expect(server!.requests).toEqual([]);
  });

  it("keeps a hanging request open, and close() still resolves quickly", async () => {
    await start({ rules: [{ hang: true }] });
    let settled = false;
    const pending = new Promise<string>((resolve) => {
      const req = request(`http://127.0.0.1:${server!.port}/v1/responses`, { method: "POST" }, () =>
        resolve("answered"),
      );
      req.on("error", () => resolve("socket closed"));
      req.end(JSON.stringify(codexBody("x")));
    }).finally(() => {
      settled = true;
    });
    await expect.poll(() => server!.requests.length, { timeout: 5_000 }).toBe(1);
    await new Promise((r) => setTimeout(r, 200));
    expect(settled).toBe(false);
    expect(server!.requests[0]).toMatchObject({ action: "hang", status: 0 });
    const t0 = performance.now();
    await server!.close();
    expect(performance.now() - t0).toBeLessThan(1_000);
    expect(await pending).toBe("socket closed");
  });

  it("close() also cuts a delayed answer short", async () => {
    await start({ rules: [{ reply: "never", delayMs: 60_000 }] });
    const pending = fetch(`${server!.url}/responses`, {
      method: "POST",
      body: JSON.stringify(codexBody("x")),
    }).then(
      () => "answered",
      () => "failed",
    );
    await expect.poll(() => server!.requests.length, { timeout: 5_000 }).toBe(1);
    const t0 = performance.now();
    await server!.close();
    expect(performance.now() - t0).toBeLessThan(1_000);
    expect(await pending).toBe("failed");
  });

  it("stops by itself after the idle timeout", async () => {
    const s = await start({}, { idleTimeoutMs: 100 });
    expect(await s.closed).toBe("idle");
    await expect(fetch(`${s.url}/responses`, { method: "POST", body: "{}" })).rejects.toThrow();
  });

  it("only binds 127.0.0.1", async () => {
    await expect(
      startModelServer({ script: parseModelScript({}), host: "0.0.0.0" as "127.0.0.1" }),
    ).rejects.toMatchObject({
      code: "E_USAGE",
    });
  });
});
