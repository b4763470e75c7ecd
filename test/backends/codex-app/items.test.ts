import { describe, expect, it } from "vitest";
import { execShapedItem } from "../../../src/backends/codex-app/items.ts";

describe("app-server items in exec's shape", () => {
  it("a command execution gets exec's type, field names and status values", () => {
    const item = execShapedItem({
      type: "commandExecution",
      id: "call_1",
      command: "/bin/bash -lc 'ls'",
      aggregatedOutput: "a\nb\n",
      exitCode: 0,
      status: "inProgress",
      processId: "51900",
      startedAtMs: 1,
      completedAtMs: null,
    });
    expect(item).toEqual({
      id: "call_1",
      type: "command_execution",
      command: "/bin/bash -lc 'ls'",
      aggregated_output: "a\nb\n",
      exit_code: 0,
      status: "in_progress",
      process_id: "51900",
    });
  });

  it("file changes keep path and kind; reasoning gets its summary as text; the user's own message is dropped", () => {
    expect(
      execShapedItem({
        type: "fileChange",
        id: "p1",
        status: "completed",
        changes: [{ path: "a.ts", kind: { type: "update", move_path: null }, diff: "…" }],
      }),
    ).toEqual({
      id: "p1",
      type: "file_change",
      status: "completed",
      changes: [{ path: "a.ts", kind: "update" }],
    });
    expect(
      execShapedItem({ type: "reasoning", id: "r", summary: ["first", "second"], content: [] }),
    ).toMatchObject({
      type: "reasoning",
      text: "first\nsecond",
    });
    expect(execShapedItem({ type: "userMessage", id: "u", content: [] })).toBeUndefined();
    expect(execShapedItem({ type: "agentMessage", id: "m", text: "hi", phase: null })).toEqual({
      id: "m",
      type: "agent_message",
      text: "hi",
      phase: null,
    });
  });
});
