import { describe, expect, it } from "vitest";
import type { RecordedRequest } from "../../src/model-server/index.ts";
import { runTask } from "../../src/run/run.ts";
import { useRehearsal } from "../helpers/rehearsal.ts";

// Pattern E's research workers get codex's web_search tool, and nobody else does: read from the tools
// the real codex CLI offers the scripted model in each request.
const t = useRehearsal();

const offersWebSearch = (r: RecordedRequest) =>
  ((r.body as { tools?: { type: string }[] }).tools ?? []).some((t) => t.type === "web_search");

async function research(web: boolean | undefined) {
  const before = t.rehearsal.server.requests.length;
  const view = await runTask({
    task: "Which queue library should we use?",
    pattern: "research",
    backends: t.rehearsal.backend,
    home: t.home,
    cwd: t.cwd,
    timeoutMs: 60_000,
    web,
  });
  expect(view.status).toBe("completed");
  return { view, requests: t.rehearsal.server.requests.slice(before) };
}

describe("web search for research workers", () => {
  it("research workers are offered web_search, the synthesis is not; --no-web offers it to nobody", async () => {
    const on = await research(undefined);
    const researchers = on.view.agents.filter((a) => a.role === "research").map((a) => a.label);
    expect(researchers).toHaveLength(3);
    const withTool = on.requests.filter(offersWebSearch);
    const without = on.requests.filter((r) => !offersWebSearch(r));
    // One request per worker turn: three researchers with the tool, the synthesis without.
    expect(withTool).toHaveLength(3);
    for (const label of researchers)
      expect(withTool.filter((r) => r.lastUserText.includes(label!))).toHaveLength(1);
    expect(without.length).toBeGreaterThanOrEqual(1); // the synthesis

    const off = await research(false);
    expect(off.requests.length).toBeGreaterThanOrEqual(4);
    expect(off.requests.filter(offersWebSearch)).toEqual([]);
  }, 120_000);
});
