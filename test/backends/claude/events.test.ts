import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { claudeArgs } from "../../../src/backends/claude/backend.ts";
import { claudeParser, toUsage } from "../../../src/backends/claude/events.ts";
import type { TurnRequest, WorkerEvent } from "../../../src/backends/types.ts";

/** Streams recorded from the real claude 2.1.330 against the scripted Messages server. */
function replay(name: string): WorkerEvent[] {
  const parser = claudeParser();
  const text = readFileSync(new URL(`../fixtures/claude-stream/${name}.jsonl`, import.meta.url), "utf8");
  return text.split("\n").flatMap((line) => parser.line(line));
}

type ItemEvent = Extract<WorkerEvent, { item: unknown }>;

const known = (events: WorkerEvent[]) => events.filter((e) => e.type !== "unknown");

describe("claudeParser on recorded streams", () => {
  it("a turn with a thinking block, a Bash call and an answer", () => {
    const events = known(replay("tool"));
    expect(
      events.map((e) =>
        e.type.startsWith("item.") ? `${e.type}:${(e as { item: { type: string } }).item.type}` : e.type,
      ),
    ).toEqual([
      "thread.started",
      "turn.started",
      "item.completed:reasoning",
      "item.started:command_execution",
      "item.completed:command_execution",
      "item.completed:agent_message",
      "item.completed:cost",
      "turn.completed",
    ]);
    expect(events[0]).toEqual({ type: "thread.started", threadId: "a1226fd2-af3d-4e9a-a4cc-2b0b1e3ad2a2" });
    const command = events[4] as ItemEvent;
    expect(command.item).toMatchObject({
      id: "toolu_1_0",
      command: "echo hi-from-bash",
      aggregated_output: "hi-from-bash",
      status: "completed",
    });
    const answer = events[5] as ItemEvent;
    expect(answer.item.text).toBe("the command said hi");
    // Two requests (200 + 120 input, 30 of them cached; 11 + 9 output), summed by claude for this process.
    expect(events.at(-1)).toEqual({
      type: "turn.completed",
      usage: { inputTokens: 320, cachedInputTokens: 30, outputTokens: 20, reasoningTokens: 0 },
      usageIsCumulative: false,
    });
    const cost = events[6] as ItemEvent;
    expect(cost.item.costUsd).toBeGreaterThan(0);
  });

  it("--json-schema: the structured value is the final message", () => {
    const events = known(replay("struct"));
    const messages = events.flatMap((e) =>
      e.type === "item.completed" && e.item.type === "agent_message" ? [e.item.text] : [],
    );
    expect(JSON.parse(messages.at(-1)!)).toEqual({ verdict: "ok", count: 2 });
    expect(events.at(-1)!.type).toBe("turn.completed");
  });

  it("an API failure is turn.failed with claude's text", () => {
    const events = known(replay("fail"));
    const failed = events.find((e) => e.type === "turn.failed");
    expect(failed).toMatchObject({
      type: "turn.failed",
      message: expect.stringContaining("scripted-failure"),
    });
    expect(events.some((e) => e.type === "turn.completed")).toBe(false);
  });

  it("HTTP 429 is a rate-limited failure", () => {
    const failed = known(replay("limit")).find((e) => e.type === "turn.failed");
    expect(failed).toMatchObject({
      type: "turn.failed",
      rateLimited: true,
      message: expect.stringContaining("429"),
    });
  });
});

describe("claudeParser on edge cases", () => {
  it("keeps unknown and malformed lines instead of throwing", () => {
    const parser = claudeParser();
    expect(parser.line("not json")).toEqual([{ type: "unknown", raw: "not json" }]);
    expect(parser.line("42")).toEqual([{ type: "unknown", raw: 42 }]);
    expect(parser.line('{"type":"stream_event","event":{}}')[0]!.type).toBe("unknown");
    expect(parser.line('{"type":"assistant","message":null}')).toEqual([]);
    expect(parser.line("")).toEqual([]);
  });

  it("api_retry notices are non-fatal errors", () => {
    const parser = claudeParser();
    const [event] = parser.line(
      JSON.stringify({
        type: "system",
        subtype: "api_retry",
        attempt: 1,
        max_retries: 10,
        retry_delay_ms: 600,
        error_status: 500,
        error: "server_error",
      }),
    );
    expect(event).toEqual({
      type: "error",
      message: "model API error 500 (server_error); retry 1/10 in 600 ms",
    });
  });

  it("maps MCP and file tools onto codex's item types", () => {
    const parser = claudeParser();
    const events = parser.line(
      JSON.stringify({
        type: "assistant",
        uuid: "u1",
        message: {
          id: "m1",
          content: [
            { type: "tool_use", id: "t1", name: "mcp__baton__spawn_agent", input: { message: "hi" } },
            { type: "tool_use", id: "t2", name: "Write", input: { file_path: "a.txt", content: "x" } },
            { type: "tool_use", id: "t3", name: "Grep", input: { pattern: "x" } },
          ],
        },
      }),
    );
    expect(events.map((e) => (e as { item: { type: string } }).item.type)).toEqual([
      "mcp_tool_call",
      "file_change",
      "tool_call",
    ]);
    expect((events[0] as { item: unknown }).item).toMatchObject({ server: "baton", tool: "spawn_agent" });
    const [result] = parser.line(
      JSON.stringify({
        type: "user",
        message: {
          content: [
            {
              type: "tool_result",
              tool_use_id: "t2",
              is_error: true,
              content: [{ type: "text", text: "denied" }],
            },
          ],
        },
      }),
    );
    expect(result).toMatchObject({
      type: "item.completed",
      item: { id: "t2", type: "file_change", status: "failed", result: "denied" },
    });
  });

  it("a process that dies before its result fails the turn, quoting stderr", () => {
    const parser = claudeParser();
    parser.line(JSON.stringify({ type: "system", subtype: "init", session_id: "s1" }));
    expect(
      parser.end({
        exitCode: 1,
        signal: null,
        stderrTail: "warming up\n--dangerously-skip-permissions cannot be used with root\n",
      }),
    ).toEqual([
      {
        type: "turn.failed",
        message:
          "claude exited with code 1 without finishing its turn: --dangerously-skip-permissions cannot be used with root",
      },
    ]);
  });

  it("an error result without text still says what happened", () => {
    const parser = claudeParser();
    const [event] = parser.line(
      JSON.stringify({ type: "result", subtype: "error_max_turns", is_error: true }),
    );
    expect(event).toEqual({ type: "turn.failed", message: "claude ended its turn with error_max_turns" });
    expect(parser.end({ exitCode: 1, signal: null, stderrTail: "" })).toEqual([]);
  });

  it("counts cache reads and writes as input, like codex", () => {
    expect(
      toUsage({
        input_tokens: 10,
        cache_read_input_tokens: 90,
        cache_creation_input_tokens: 5,
        output_tokens: 7,
        output_tokens_details: { thinking_tokens: 3 },
      }),
    ).toEqual({
      inputTokens: 105,
      cachedInputTokens: 90,
      outputTokens: 7,
      reasoningTokens: 3,
    });
  });
});

describe("claudeArgs", () => {
  const base: TurnRequest = {
    agentId: "a",
    prompt: "-starts with a dash",
    cwd: "/tmp",
    sandbox: "read-only",
    scratchDir: "/tmp",
  };

  it("never puts the prompt in argv and never waits for a permission answer", () => {
    const args = claudeArgs(base, []);
    expect(args).toEqual([
      "-p",
      "--output-format",
      "stream-json",
      "--verbose",
      "--permission-mode",
      "dontAsk",
      "--permission-prompts",
      "none",
      "--disallowedTools",
      "WebSearch,WebFetch",
    ]);
    expect(args.join(" ")).not.toContain("starts with a dash");
  });

  it("maps sandbox, model, schema, instructions and the session of a follow-up turn", () => {
    const args = claudeArgs(
      {
        ...base,
        sandbox: "workspace-write",
        model: "sonnet",
        outputSchema: { type: "object" },
        instructions: "Be brief",
        threadId: "s-1",
      },
      ["--allowed-tools", "Bash"],
    );
    expect(claudeArgs({ ...base, webSearch: true }, [])).toContain("--allowedTools");
    expect(args.slice(4)).toEqual([
      "--permission-mode",
      "acceptEdits",
      "--permission-prompts",
      "none",
      "--model",
      "sonnet",
      "--json-schema",
      '{"type":"object"}',
      "--append-system-prompt",
      "Be brief",
      "--disallowedTools",
      "WebSearch,WebFetch",
      "--resume",
      "s-1",
      "--allowed-tools",
      "Bash",
    ]);
  });
});
