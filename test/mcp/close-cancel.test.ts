import { describe, expect, it } from "vitest";
import { eventually, processesOfAgent } from "../helpers/processes.ts";
import { sessions } from "./helpers.ts";

const { open } = sessions();

describe("close_agent and the client's cancel", () => {
  it("a close_agent the client cancels kills the agent at once instead of waiting out the grace", async () => {
    // A 20 s grace and a worker that ignores SIGTERM: only the cancel can make the close quick.
    const s = await open({ killGraceMs: 20_000 });
    await s.call("spawn_agent", { message: "ignore-term" });
    // Its thread started: the worker is past installing its SIGTERM handler.
    for (let i = 0; i < 200; i++) {
      const listed = await s.call("list_agents");
      if ((listed.structured!.agents as { thread_id: string | null }[])[0]!.thread_id) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    expect(processesOfAgent("agent-1").length).toBeGreaterThan(0);
    const abort = new AbortController();
    const started = Date.now();
    const closing = s.client.callTool({ name: "close_agent", arguments: { id: "agent-1" } }, undefined, {
      signal: abort.signal,
    });
    setTimeout(() => abort.abort(), 200);
    await expect(closing).rejects.toThrow();
    expect(await eventually(() => processesOfAgent("agent-1").length === 0, 10_000)).toBe(true);
    // The close goes on after the cancel: the agent ends closed, well inside the grace.
    let status = "";
    while (status !== "shutdown" && Date.now() - started < 10_000) {
      const listed = await s.call("list_agents");
      status = (listed.structured!.agents as { status: string }[])[0]!.status;
      if (status !== "shutdown") await new Promise((r) => setTimeout(r, 50));
    }
    expect(status).toBe("shutdown");
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
