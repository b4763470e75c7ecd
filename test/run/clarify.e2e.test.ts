import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { codexBackend } from "../../src/backends/codex/backend.ts";
import { parseModelScript } from "../../src/model-server/script.ts";
import { type ModelServer, startModelServer } from "../../src/model-server/server.ts";
import { runTask } from "../../src/run/run.ts";
import { readJournal } from "../../src/store/journal.ts";
import { type CodexTestEnv, makeCodexTestEnv } from "../helpers/codex-home.ts";

const result = (summary: string) => ({
  summary,
  findings: [],
  proposed_changes: [{ file: "x", change: summary, risk: "low" }],
  tests: [],
  open_questions: [],
});
let server: ModelServer;
let codex: CodexTestEnv;
let home: string;
beforeAll(async () => {
  server = await startModelServer({
    port: 0,
    script: parseModelScript({
      rules: [
        { match: "/A1: cli/", json: result("worked on cli") },
        { match: "/A1: core/", json: result("worked on core") },
        {
          match: "FOCUS: ambiguous",
          reply: "CLARIFICATION_NEEDED: Q1: Which module? | Options: core, cli | Recommended: core",
        },
        { match: "FOCUS:", json: result("clear slice done") },
        { match: "TASK: Synthesise", json: { result: "merged", next_step: "ship", selected: "" } },
      ],
    }),
  });
  codex = await makeCodexTestEnv({ baseUrl: server.url });
  home = mkdtempSync(join(tmpdir(), "baton-clarify-"));
});
afterAll(async () => {
  await server.close();
  await codex.cleanup();
  rmSync(home, { recursive: true, force: true });
});

const run = (answers?: Record<string, string>) =>
  runTask({
    task: "Document the modules",
    pattern: "split",
    sections: ["ambiguous", "clear"],
    answers,
    backends: codexBackend({ codexPath: codex.codexBin, env: codex.env }),
    home,
  });

describe("two-phase clarify → execute (real codex, scripted model)", () => {
  it("answers a worker's CLARIFICATION_NEEDED from --answers and continues it on the same thread", async () => {
    const view = await run({ Q1: "cli" });
    expect(view.status).toBe("completed");
    expect(view.result!.sections).toEqual([
      { label: "ambiguous", summary: "worked on cli" },
      { label: "clear", summary: "clear slice done" },
    ]);
    const journal = readJournal(join(view.dir, "journal.jsonl")).entries;
    expect(journal.find((e) => e.type === "clarification")).toMatchObject({
      questions: ["Which module?"],
      answers: ["cli"],
      source: "answers-file",
    });
    const asked = view.agents.find((a) => a.label === "ambiguous")!;
    // The answer went to the same codex thread: the second request carries the first turn's question.
    const second = server.requests.find((r) => r.lastUserText.includes("A1: cli"))!;
    expect(JSON.stringify(second.body)).toContain("CLARIFICATION_NEEDED: Q1: Which module?");
    expect(asked.endReason).toBe("completed");
  });

  it("without answers and without a terminal, the recommended option is used", async () => {
    const view = await run();
    expect(view.result!.sections![0]).toEqual({ label: "ambiguous", summary: "worked on core" });
    const journal = readJournal(join(view.dir, "journal.jsonl")).entries;
    expect(journal.find((e) => e.type === "clarification")).toMatchObject({
      answers: ["core"],
      source: "recommended",
    });
  });
});
