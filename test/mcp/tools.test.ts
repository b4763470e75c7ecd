import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { TOOL_NAMES } from "../../src/mcp/tools.ts";
import { waitBoundMs } from "../../src/mcp/wait.ts";
import { sessions } from "./helpers.ts";

const { open, tempDir } = sessions();

describe("tools", () => {
  it("lists the lifecycle tools, with the wait bound in wait's description", async () => {
    const s = await open();
    const { tools } = await s.client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([...TOOL_NAMES].sort());
    const wait = tools.find((t) => t.name === "wait")!;
    expect(wait.description).toContain("45 s");
    expect(wait.execution).toEqual({ taskSupport: "optional" });
    expect(wait.inputSchema.anyOf).toEqual([{ required: ["ids"] }, { required: ["targets"] }]);
    expect(Object.keys(wait.inputSchema.properties ?? {})).toEqual(["ids", "targets", "timeout_ms", "mode"]);
  });

  it("spawn → wait → close round trip with the seed's names (ids, id)", async () => {
    const s = await open();
    const spawned = await s.call("spawn_agent", { message: "noop", label: "reviewer" });
    expect(spawned.isError).toBeFalsy();
    expect(spawned.structured).toEqual({
      agent_id: "agent-1",
      nickname: "reviewer",
      submission_id: "agent-1:1",
    });
    expect(JSON.parse(spawned.text)).toEqual(spawned.structured);

    const waited = await s.call("wait", { ids: ["agent-1"], timeout_ms: 10_000 });
    expect(waited.structured).toEqual({
      timed_out: false,
      end_reasons: { "agent-1": "completed" },
      waited_ms: expect.any(Number),
      timeout_ms: 10_000,
      timeout_clamped: false,
      status: { "agent-1": { completed: "reply to: noop" } },
      truncated: {},
    });
    // The decisive fields first: a client showing only the start of a long result still shows them.
    expect(waited.text.startsWith('{"timed_out":false,"end_reasons":{"agent-1":"completed"}')).toBe(true);
    expect(JSON.parse(waited.text)).toEqual(waited.structured);

    const closed = await s.call("close_agent", { id: "agent-1" });
    expect(closed.structured).toEqual({ previous_status: "completed" });
    expect(s.requests[0]).toMatchObject({ prompt: "noop", sandbox: "read-only" });
  });

  it("accepts Codex's names (items, targets, target) and wait_agent", async () => {
    const s = await open();
    const spawned = await s.call("spawn_agent", { items: [{ type: "text", text: "first" }] });
    const id = spawned.structured!.agent_id as string;
    const waited = await s.call("wait_agent", { targets: [id], timeout_ms: 10_000 });
    expect(waited.structured!.status).toEqual({ [id]: { completed: "reply to: first" } });

    const sent = await s.call("send_input", { target: id, items: [{ type: "text", text: "second" }] });
    expect(sent.structured).toEqual({ submission_id: expect.any(String) });
    const again = await s.call("wait", { targets: [id], ids: [id], timeout_ms: 10_000 });
    expect((again.structured!.status as Record<string, { completed: string }>)[id]!.completed).toContain(
      "history: first",
    );
    expect((await s.call("close_agent", { target: id })).structured).toEqual({
      previous_status: "completed",
    });
  });

  it("rejects missing or conflicting spellings, naming the argument, and keeps serving", async () => {
    const s = await open();
    const none = await s.call("wait", { timeout_ms: 10 });
    expect(none.isError).toBe(true);
    expect(none.text).toContain("`ids` (or Codex's `targets`) is required");

    const both = await s.call("close_agent", { id: "agent-1", target: "agent-2" });
    expect(both.isError).toBe(true);
    expect(both.text).toContain("`id` and `target` are the same argument");

    const noMessage = await s.call("spawn_agent", { label: "x" });
    expect(noMessage.text).toContain("`message` is required");
    const twoMessages = await s.call("spawn_agent", { message: "a", items: [{ type: "text", text: "b" }] });
    expect(twoMessages.text).toContain("either `message` or `items`");
    const image = await s.call("spawn_agent", { items: [{ type: "image", image_url: "x" }] });
    expect(image.text).toContain('got type "image"');
    const typo = await s.call("wait", { ids: ["a"], timeoutMs: 5 });
    expect(typo.text).toContain('Unrecognized key: "timeoutMs"');
    const wrongType = await s.call("wait", { ids: "agent-1" });
    expect(wrongType.text).toMatch(/ids: .*expected array/);
    const fork = await s.call("spawn_agent", { message: "x", fork_context: true });
    expect(fork.text).toContain("cannot fork");

    expect((await s.call("spawn_agent", { message: "noop" })).isError).toBeFalsy();
  });

  it("an unknown id is an error result naming it; the next call still works", async () => {
    const s = await open();
    for (const [tool, args] of [
      ["wait", { ids: ["agent-9"], timeout_ms: 10 }],
      ["send_input", { id: "agent-9", message: "hi" }],
      ["close_agent", { id: "agent-9" }],
    ] as const) {
      const result = await s.call(tool, args);
      expect(result.isError, tool).toBe(true);
      expect(result.text, tool).toContain('no agent with id "agent-9"');
    }
    const spawned = await s.call("spawn_agent", { message: "noop" });
    const mixed = await s.call("wait", { ids: ["agent-1", "ghost"], timeout_ms: 10 });
    expect(mixed.isError).toBe(true);
    expect(mixed.text).toContain('"ghost"');
    expect(mixed.text).toContain("Known agents: agent-1");
    expect(spawned.structured!.agent_id).toBe("agent-1");
    expect((await s.call("wait", { ids: ["agent-1"], timeout_ms: 10_000 })).structured!.timed_out).toBe(
      false,
    );
  });

  it("send_input to a closed agent says close is irreversible", async () => {
    const s = await open();
    await s.call("spawn_agent", { message: "noop" });
    await s.call("close_agent", { id: "agent-1" });
    const result = await s.call("send_input", { id: "agent-1", message: "more" });
    expect(result.isError).toBe(true);
    expect(result.text).toContain("was closed");
  });
});

describe("wait bound", () => {
  it("clamps timeout_ms to [0, wait-max] (wait_agent: [10 s, 1 h]) and defaults to 30000", () => {
    const max = 45_000;
    expect(waitBoundMs(undefined, max)).toEqual({ timeoutMs: 30_000, clamped: false });
    expect(waitBoundMs(3_600_000, max)).toEqual({ timeoutMs: 45_000, clamped: true });
    expect(waitBoundMs(Number.POSITIVE_INFINITY, max).timeoutMs).toBe(45_000);
    expect(waitBoundMs(-5, max)).toEqual({ timeoutMs: 0, clamped: true });
    expect(waitBoundMs(1_234.4, max).timeoutMs).toBe(1_234);
    expect(waitBoundMs(1_000, max, true)).toEqual({ timeoutMs: 10_000, clamped: true });
    expect(waitBoundMs(7_200_000, 10_800_000, true)).toEqual({ timeoutMs: 3_600_000, clamped: true });
    expect(waitBoundMs(120_000, 120_000)).toEqual({ timeoutMs: 120_000, clamped: false });
  });

  it("returns timed_out at the bound however long the caller asked for, with the running status", async () => {
    const s = await open({ waitMaxMs: 300 });
    await s.call("spawn_agent", { message: "hang" });
    const started = Date.now();
    const result = await s.call("wait", { ids: ["agent-1"], timeout_ms: 3_600_000 });
    const elapsed = Date.now() - started;
    expect(result.structured).toMatchObject({ timed_out: true, status: { "agent-1": { running: null } } });
    expect(elapsed).toBeGreaterThanOrEqual(290);
    expect(elapsed).toBeLessThan(2_000);
  });

  it("a negative timeout polls: it returns at once", async () => {
    const s = await open();
    await s.call("spawn_agent", { message: "hang" });
    const started = Date.now();
    const result = await s.call("wait", { ids: ["agent-1"], timeout_ms: -1 });
    expect(result.structured!.timed_out).toBe(true);
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it("returns early when agents finish; mode any returns at the first", async () => {
    const s = await open();
    await s.call("spawn_agent", { message: "noop" });
    await s.call("spawn_agent", { message: "hang" });
    const started = Date.now();
    const result = await s.call("wait", { ids: ["agent-1", "agent-2"], mode: "any", timeout_ms: 20_000 });
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(result.structured).toMatchObject({ timed_out: false, end_reasons: { "agent-1": "completed" } });
  });
});

describe("spawn options", () => {
  it("passes cwd, sandbox, model, output_schema and the turn deadline", async () => {
    const base = tempDir();
    mkdirSync(join(base, "sub"));
    const s = await open({ cwd: base });
    const schema = { type: "object", properties: { ok: { type: "boolean" } } };
    await s.call("spawn_agent", {
      message: "sleep:5000",
      cwd: "sub",
      sandbox: "workspace-write",
      model: "m1",
      output_schema: schema,
      timeout_ms: 200,
    });
    const result = await s.call("wait", { ids: ["agent-1"], timeout_ms: 10_000 });
    expect(result.structured!.end_reasons).toEqual({ "agent-1": "timed_out" });
    expect(s.requests[0]).toMatchObject({ cwd: join(base, "sub"), sandbox: "workspace-write", model: "m1" });
    expect(s.requests[0]!.outputSchema).toEqual(schema);
  });

  it("a cwd that is not a directory is an error result", async () => {
    const s = await open({ cwd: tempDir() });
    const result = await s.call("spawn_agent", { message: "noop", cwd: "missing" });
    expect(result.isError).toBe(true);
    expect(result.text).toContain('cwd "missing" is not a directory');
  });

  it("agent_type loads a Codex custom agent from the project or CODEX_HOME", async () => {
    const project = tempDir();
    const codexHome = tempDir();
    mkdirSync(join(project, ".codex", "agents"), { recursive: true });
    mkdirSync(join(codexHome, "agents"));
    writeFileSync(
      join(project, ".codex", "agents", "reviewer.toml"),
      'name = "reviewer"\ndescription = "reviews"\ndeveloper_instructions = "Find bugs."\nmodel = "m-review"\n',
    );
    writeFileSync(
      join(codexHome, "agents", "writer-file.toml"),
      'name = "writer"\ndeveloper_instructions = """\nWrite code.\n"""\nsandbox_mode = "workspace-write"\n',
    );
    const s = await open({ cwd: project, codexHome });
    const reviewer = await s.call("spawn_agent", { message: "noop", agent_type: "reviewer" });
    expect(reviewer.structured).toMatchObject({ agent_id: "agent-1", nickname: "reviewer" });
    const writer = await s.call("spawn_agent", { message: "noop", agent_type: "writer", label: "w1" });
    expect(writer.structured!.nickname).toBe("w1");
    await s.call("wait", { ids: ["agent-1", "agent-2"], timeout_ms: 10_000 });
    const [first, second] = [...s.requests].sort((a, b) => a.agentId.localeCompare(b.agentId));
    expect(first).toMatchObject({ instructions: "Find bugs.", model: "m-review", sandbox: "read-only" });
    expect(second).toMatchObject({ instructions: "Write code.\n", sandbox: "workspace-write" });

    const unknown = await s.call("spawn_agent", { message: "noop", agent_type: "planner" });
    expect(unknown.isError).toBe(true);
    expect(unknown.text).toContain('unknown agent_type "planner"');
    expect(unknown.text).toContain("Found: reviewer, writer, writer-file");
    expect((await s.call("spawn_agent", { message: "noop", agent_type: "default" })).isError).toBeFalsy();
  });

  it("a broken role file is an error naming the file", async () => {
    const project = tempDir();
    mkdirSync(join(project, ".codex", "agents"), { recursive: true });
    writeFileSync(join(project, ".codex", "agents", "bad.toml"), "name = ");
    const s = await open({ cwd: project, codexHome: tempDir() });
    const result = await s.call("spawn_agent", { message: "noop", agent_type: "bad" });
    expect(result.isError).toBe(true);
    expect(result.text).toContain("bad.toml is not valid TOML");
  });
});

describe("list_agents", () => {
  it("shows each agent with label, status, end reason and usage", async () => {
    const s = await open();
    await s.call("spawn_agent", { message: "noop usage:7", label: "one" });
    await s.call("wait", { ids: ["agent-1"], timeout_ms: 10_000 });
    await s.call("spawn_agent", { message: "hang" });
    const { structured } = await s.call("list_agents");
    const agents = structured!.agents as Record<string, unknown>[];
    expect(agents).toHaveLength(2);
    expect(agents[0]).toMatchObject({
      agent_id: "agent-1",
      label: "one",
      status: "completed",
      end_reason: "completed",
      usage: { input_tokens: 7, output_tokens: 7, cached_input_tokens: 0, reasoning_tokens: 0 },
      turns: 1,
    });
    expect(agents[1]).toMatchObject({ agent_id: "agent-2", end_reason: null });
    expect(["pending_init", "running"]).toContain(agents[1]!.status);
  });
});

describe("web search", () => {
  it("spawn_agent with web_search gives that agent the backend's web search, others not; --no-web refuses it", async () => {
    const s = await open();
    await s.call("spawn_agent", { message: "research", web_search: true });
    await s.call("spawn_agent", { message: "review" });
    await s.call("wait", { ids: ["agent-1", "agent-2"], timeout_ms: 10_000 });
    expect(s.requests.map((r) => [r.prompt, r.webSearch === true])).toEqual([
      ["research", true],
      ["review", false],
    ]);
    await s.close();
    const off = await open({ noWeb: true });
    const refused = await off.call("spawn_agent", { message: "research", web_search: true });
    expect(refused.isError).toBe(true);
    expect(refused.text).toMatch(/web search is off in this server \(baton mcp --no-web\)/);
  });
});

describe("schemas a strict client accepts", () => {
  const emptySchemas = (node: unknown, path = ""): string[] => {
    if (node === null || typeof node !== "object") return [];
    if (!Array.isArray(node) && Object.keys(node).length === 0) return [path];
    return Object.entries(node).flatMap(([key, value]) =>
      key === "properties" || key === "required"
        ? Object.entries(value as object).flatMap(([k, v]) => emptySchemas(v, `${path}.${key}.${k}`))
        : emptySchemas(value, `${path}.${key}`),
    );
  };

  it("every tool: required arguments (one-of for two spellings), no {} schemas, no nullable type arrays", async () => {
    const s = await open();
    const { tools } = await s.client.listTools();
    const required = Object.fromEntries(
      tools.map((t) => [
        t.name,
        [t.inputSchema.required ?? [], JSON.stringify(t.inputSchema.anyOf ?? t.inputSchema.allOf ?? null)],
      ]),
    );
    expect(required.spawn_agent).toEqual([[], '[{"required":["message"]},{"required":["items"]}]']);
    expect(required.send_input![1]).toBe(
      '[{"anyOf":[{"required":["id"]},{"required":["target"]}]},{"anyOf":[{"required":["message"]},{"required":["items"]}]}]',
    );
    expect(required.wait_agent![1]).toBe('[{"required":["targets"]},{"required":["ids"]}]');
    for (const tool of tools) {
      expect(emptySchemas(tool.inputSchema), tool.name).toEqual([]);
      expect(emptySchemas(tool.outputSchema), tool.name).toEqual([]);
      expect(JSON.stringify(tool.inputSchema) + JSON.stringify(tool.outputSchema), tool.name).not.toMatch(
        /"type":\[[^\]]*"null"/,
      );
      // The result's required fields, or the error envelope (see error-results.test.ts).
      const [result, error] = tool.outputSchema!.anyOf as { required: string[] }[];
      expect(result!.required.length, tool.name).toBeGreaterThan(0);
      expect(error!.required, tool.name).toEqual(["error"]);
    }
  });
});
