import { mkdirSync, rmSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { eventually } from "../helpers/processes.ts";
import { type Message, startRaw, workersOf } from "./raw-server.ts";

// A flood of malformed and hostile input at `baton mcp --concurrency 1`: the server answers what it can,
// never exits, loses no slot, and leaves no process behind.
let stop: (() => Promise<void>) | undefined;
afterEach(async () => {
  await stop?.();
  stop = undefined;
});

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  return { next, int, pick };
}

const TOOLS = [
  "spawn_agent",
  "wait",
  "wait_agent",
  "send_input",
  "interrupt_agent",
  "close_agent",
  "list_agents",
  "list_roles",
  "map_tasks",
  "nope",
  "",
];
const HOSTILE_VALUES: unknown[] = [
  null,
  -1,
  1e308,
  "",
  "\u0000",
  "a\u0000b",
  "\ud800",
  "🧨".repeat(100),
  [],
  {},
  [[[[[[[[[[[]]]]]]]]]]],
  { __proto__: { polluted: true } },
  "x".repeat(70_000),
  Array.from({ length: 5_000 }, (_, i) => `agent-${i}`),
  true,
  "../../../../etc/passwd",
];

describe("hostile input", () => {
  it("≥ 1000 malformed and hostile messages, NUL, 1 MB and 11 MB ones, process-start failures at concurrency 1", async () => {
    const server = startRaw(["--concurrency", "1", "--wait-max", "20s"], { answerMs: 60_000 });
    stop = server.stop;
    await server.initialize();
    const r = random(13);
    const replies: Array<Promise<Message>> = [];
    let sent = 0;
    let parseErrors = 0;
    let n = 0;
    const send = async (line: string | Buffer, id?: string) => {
      sent++;
      if (id !== undefined) replies.push(server.reply(id, line.slice(0, 80).toString()));
      await server.writeLine(line);
    };
    const rpc = (method: unknown, params?: unknown) => {
      const id = `f-${++n}`;
      return send(
        JSON.stringify({ jsonrpc: "2.0", id, method, ...(params === undefined ? {} : { params }) }),
        id,
      );
    };

    // Not JSON at all: random bytes (NUL and invalid UTF-8 included), cut-off objects. Each gets -32700.
    for (let i = 0; i < 300; i++) {
      const kind = i % 3;
      const bytes =
        kind === 0
          ? Buffer.from(
              Array.from({ length: 1 + r.int(200) }, () => r.int(256)).map((b) => (b === 10 ? 0 : b)),
            )
          : Buffer.from(
              kind === 1
                ? `{"jsonrpc":"2.0","id":${i},"method":"tools/call","params":{`
                : `\u0000{"a":\u0000}`,
            );
      // A line of only whitespace is no message at all.
      if (bytes.toString("latin1").trim() === "") bytes[0] = 0x7b;
      parseErrors++;
      await send(bytes);
    }
    // JSON that is not JSON-RPC, or a method this server does not have.
    for (let i = 0; i < 200; i++) {
      const shape = i % 5;
      if (shape === 0) await send(JSON.stringify(r.pick(HOSTILE_VALUES)));
      else if (shape === 1)
        await send(JSON.stringify({ jsonrpc: "1.0", id: `f-${++n}`, method: "ping" }), `f-${n}`);
      else if (shape === 2) await rpc(`nope/${r.int(1_000)}`);
      else if (shape === 3)
        await rpc(
          r.pick(["resources/read", "tasks/get", "tasks/result", "tasks/cancel", "resources/subscribe"]),
          { uri: r.pick(HOSTILE_VALUES), taskId: r.pick(HOSTILE_VALUES) },
        );
      else
        await send(
          JSON.stringify({
            jsonrpc: "2.0",
            method: "notifications/cancelled",
            params: { requestId: r.pick(HOSTILE_VALUES) },
          }),
        );
    }
    // Tool calls with hostile arguments.
    for (let i = 0; i < 520; i++) {
      const tool = r.pick(TOOLS);
      const args: Record<string, unknown> = {};
      for (const key of [
        "message",
        "ids",
        "targets",
        "id",
        "target",
        "items",
        "timeout_ms",
        "mode",
        "cwd",
        "sandbox",
        "agent_type",
        "output_schema",
        "cursor",
        "limit",
        "__proto__",
      ]) {
        if (r.next() < 0.25) args[key] = r.pick(HOSTILE_VALUES);
      }
      // Keep real work small at concurrency 1: a valid spawn only now and then.
      if (tool === "spawn_agent" && typeof args.message === "string" && args.message.trim() !== "")
        args.message = "noop";
      if (tool === "wait" || tool === "wait_agent") args.timeout_ms = 0;
      // Between the hostile calls, now and then real work, at concurrency 1.
      if (i % 50 === 0) await rpc("tools/call", { name: "spawn_agent", arguments: { message: "sleep:50" } });
      await rpc("tools/call", r.next() < 0.1 ? r.pick(HOSTILE_VALUES) : { name: tool, arguments: args });
    }
    // A message with a NUL in it, as text the agent reads on stdin: it runs.
    await rpc("tools/call", { name: "spawn_agent", arguments: { message: "noop with a NUL \u0000 inside" } });
    // Process-start failures: a NUL where argv would carry it (the model), with a free slot…
    await rpc("tools/call", { name: "spawn_agent", arguments: { message: "noop", model: "gpt\u0000x" } });
    // …and queued behind a running agent; and a working directory gone before the start.
    await rpc("tools/call", { name: "spawn_agent", arguments: { message: "sleep:1000" } });
    await rpc("tools/call", { name: "spawn_agent", arguments: { message: "noop", model: "m\u0000" } });
    const gone = join(server.state, "gone");
    mkdirSync(gone);
    await rpc("tools/call", { name: "spawn_agent", arguments: { message: "noop", cwd: gone } });
    expect((await replies.at(-1)!).result).toMatchObject({
      structuredContent: { agent_id: expect.any(String) },
    });
    rmSync(gone, { recursive: true });
    // 1 MB: accepted (a prompt of that size goes on stdin). 11 MB: over the limit, answered with an error.
    const oneMb = `noop ${"m".repeat(999_800)}`;
    await rpc("tools/call", { name: "spawn_agent", arguments: { message: oneMb } });
    const big = JSON.stringify({
      jsonrpc: "2.0",
      method: "tools/call",
      params: { name: "spawn_agent", arguments: { message: "x".repeat(11 << 20) } },
      id: "f-big",
    });
    await send(big, "f-big");
    await send(Buffer.alloc(11 << 20, 0x7b)); // 11 MB of "{" with no id: an error with id null

    expect(sent).toBeGreaterThanOrEqual(1_000);
    const answered = await Promise.all(replies);
    expect(server.child.exitCode).toBeNull();
    // Every request got its one reply; the oversized one says why.
    const bigReply = answered.find((m) => m.id === "f-big")!;
    expect(bigReply.error).toMatchObject({
      code: -32600,
      message: expect.stringContaining("over this server's limit"),
    });
    expect(
      answered.filter((m) => m.error && (m.error as { code: number }).code === -32601).length,
    ).toBeGreaterThan(0);
    await eventually(() => server.anonymous.length >= parseErrors + 1, 10_000);
    const codes = server.anonymous.map((m) => (m.error as { code: number }).code);
    expect(codes.filter((c) => c === -32700).length).toBeGreaterThanOrEqual(parseErrors);

    // Every agent the flood started reaches an end, the start failures as errored agents that say why…
    const listed = (await server.callTool("list_agents", { limit: 500 })).agents as Message[];
    const ids = listed.map((a) => a.agent_id as string);
    const waited = await server.callTool("wait", { ids, timeout_ms: 20_000 });
    expect(waited.timed_out, JSON.stringify(waited)).toBe(false);
    const status = waited.status as Record<string, Record<string, string>>;
    const errored = Object.values(status)
      .filter((s) => "errored" in s)
      .map((s) => s.errored);
    expect(errored).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/NUL|null bytes/),
        expect.stringMatching(/working directory|ENOENT|does not exist/),
      ]),
    );
    // The 1 MB agent completed; its answer is cut at --max-inline, the whole of it a resource.
    const truncated = Object.values(waited.truncated as Record<string, { bytes: number }>);
    expect(truncated.map((t) => t.bytes)).toContain(Buffer.byteLength(`reply to: ${oneMb}`));
    // …and no slot is lost: one more agent runs at concurrency 1.
    const last = (await server.callTool("spawn_agent", { message: "noop" })).agent_id as string;
    const after = await server.callTool("wait", { ids: [last], timeout_ms: 20_000 });
    expect(after.status).toEqual({ [last]: { completed: "reply to: noop" } });
    console.log(
      `fuzz: ${sent} messages, ${ids.length} agents, ${errored.length} errored, ${server.anonymous.length} id-less error replies`,
    );

    const pid = server.child.pid!;
    server.child.stdin!.end();
    expect(await server.exit).toBe(0);
    expect(await eventually(() => workersOf(pid).length === 0, 5_000)).toBe(true);
  }, 180_000);
});
