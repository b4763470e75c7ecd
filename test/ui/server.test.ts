import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { writeJsonAtomic } from "../../src/store/atomic.ts";
import { startUiServer, type UiServer } from "../../src/ui/server/server.ts";
import { writeRunRecord } from "./record-fixture.ts";

const MAIN = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));
const RUN = "20261201-100000-aaaa";
let home: string;
let ui: UiServer | undefined;
beforeEach(() => {
  home = mkdtempSync(join(tmpdir(), "baton-ui-"));
});
afterEach(async () => {
  await ui?.close();
  ui = undefined;
  rmSync(home, { recursive: true, force: true });
});

function get(port: number, path: string, options: { method?: string; host?: string } = {}) {
  return new Promise<{ status: number; body: string; type: string }>((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        path,
        method: options.method ?? "GET",
        headers: options.host ? { host: options.host } : {},
      },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk) => {
          body += chunk;
        });
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, body, type: String(res.headers["content-type"]) }),
        );
      },
    );
    req.on("error", reject);
    req.end();
  });
}

interface SseEvent {
  event: string;
  data: string;
  atMs: number;
}

/** Reads a server-sent events stream; `next` waits (bounded) for the first event that matches. */
function events(port: number, path: string) {
  const seen: SseEvent[] = [];
  const waiters: Array<() => void> = [];
  let ended = false;
  const req = request({ host: "127.0.0.1", port, path }, (res) => {
    let buffer = "";
    res.setEncoding("utf8");
    res.on("data", (chunk: string) => {
      buffer += chunk;
      let cut = buffer.indexOf("\n\n");
      while (cut >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = [...block.matchAll(/^data: (.*)$/gm)].map((m) => m[1]).join("\n");
        if (event) seen.push({ event, data, atMs: Date.now() });
        cut = buffer.indexOf("\n\n");
      }
      for (const w of waiters.splice(0)) w();
    });
    res.on("end", () => {
      ended = true;
      for (const w of waiters.splice(0)) w();
    });
  });
  req.end();
  return {
    seen,
    get ended() {
      return ended;
    },
    close: () => req.destroy(),
    async next(match: (e: SseEvent) => boolean, timeoutMs: number): Promise<SseEvent> {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = seen.find(match);
        if (found) return found;
        if (ended || Date.now() > deadline)
          throw new Error(
            `no matching event within ${timeoutMs} ms; saw ${seen.map((e) => e.event).join(", ")}`,
          );
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 50);
        });
      }
    },
  };
}

describe("baton ui server", () => {
  it("answers only with the token, only for its own host, and only to reads", async () => {
    writeRunRecord(home, RUN).finish();
    ui = await startUiServer({ home });
    expect(ui.url).toBe(`http://127.0.0.1:${ui.port}/?token=${ui.token}`);
    expect(ui.token).toMatch(/^[A-Za-z0-9_-]{22}$/);
    const none = await get(ui.port, "/");
    expect(none.status).toBe(401);
    expect(none.body).toContain("open the URL that baton ui printed");
    expect((await get(ui.port, `/runs/${RUN}?token=${ui.token.slice(1)}x`)).status).toBe(401);
    expect((await get(ui.port, `/runs/${RUN}/events`)).status).toBe(401);
    expect((await get(ui.port, `/?token=${ui.token}`, { host: "attacker.example:80" })).status).toBe(403);
    expect((await get(ui.port, `/?token=${ui.token}`, { method: "POST" })).status).toBe(405);
    const list = await get(ui.port, `/?token=${ui.token}`);
    expect([list.status, list.type]).toEqual([200, "text/html; charset=utf-8"]);
    expect(list.body).toContain(`href="/runs/${RUN}?token=${ui.token}"`);
    expect(list.body).toContain('<span class="badge status-partial">partial</span>');
    const page = await get(ui.port, `/runs/${RUN}?token=${ui.token}`);
    expect(page.body).toContain(`data-live="/runs/${RUN}/events?token=${ui.token}"`);
    expect(page.body.split('class="tl-row tl-lane"').length - 1).toBe(3);
    expect(page.body).toContain(
      `href="/runs/${RUN}/agents/agent-1?token=${ui.token}">follow its event stream`,
    );
    expect((await get(ui.port, `/runs/../../etc?token=${ui.token}`)).status).toBe(404);
    expect((await get(ui.port, `/runs/nope?token=${ui.token}`)).status).toBe(404);
    expect((await get(ui.port, `/runs/${RUN}/agents/agent-9?token=${ui.token}`)).status).toBe(404);
    const file = await get(ui.port, `/runs/${RUN}/report.html?token=${ui.token}`);
    expect(file.body).not.toContain("data-live=");
  });

  it("sends a new journal event to a live page within a second, then ends with the run", async () => {
    const run = writeRunRecord(home, RUN);
    ui = await startUiServer({ home });
    const feed = events(ui.port, `/runs/${RUN}/events?token=${ui.token}`);
    const first = await feed.next((e) => e.event === "sections", 5_000);
    expect(first.data).toContain('data-agent=\\"agent-3\\" data-state=\\"running\\"');
    const writtenAt = Date.now();
    run.append({
      type: "turn.ended",
      agentId: "agent-3",
      turn: 1,
      status: "completed",
      endReason: "completed",
      usage: { inputTokens: 1, cachedInputTokens: 0, outputTokens: 1, reasoningTokens: 0 },
    });
    const update = await feed.next(
      (e) => e.event === "sections" && e.data.includes('data-agent=\\"agent-3\\" data-state=\\"completed\\"'),
      5_000,
    );
    expect(update.atMs - writtenAt).toBeLessThan(1_000);
    // Only what changed is sent again: agent-3's block, not agent-1's (finished before) nor the plan.
    const parts = Object.keys(JSON.parse(update.data));
    expect(parts).toContain("agent-agent-3");
    expect(parts).not.toContain("agent-agent-1");
    expect(parts).not.toContain("run-plan");
    run.finish();
    const end = await feed.next((e) => e.event === "end", 5_000);
    expect(end.data).toBe("the run has ended: partial");
    const last = feed.seen.filter((e) => e.event === "sections").at(-1)!;
    expect(last.data).toContain("queued input dropped");
  });

  it("tells a live page when a run was abandoned (its owner died) and ends the stream", async () => {
    const run = writeRunRecord(home, RUN);
    writeJsonAtomic(join(run.dir, "owner.json"), { pid: 999_999_999, ownerId: "999999999.1" });
    ui = await startUiServer({ home });
    const feed = events(ui.port, `/runs/${RUN}/events?token=${ui.token}`);
    const end = await feed.next((e) => e.event === "end", 5_000);
    expect(end.data).toBe("the run was abandoned: its owner process is gone");
    expect(feed.seen[0]!.data).toContain('<span class=\\"badge status-abandoned\\">abandoned</span>');
  });

  it("the runs list shows a new run without a reload", async () => {
    writeRunRecord(home, RUN).finish();
    ui = await startUiServer({ home, pollMs: 50 });
    const feed = events(ui.port, `/events?token=${ui.token}`);
    const first = await feed.next((e) => e.event === "sections", 5_000);
    expect(first.data).toContain(RUN);
    writeRunRecord(home, "20261201-110000-ffff");
    const next = await feed.next((e) => e.data.includes("20261201-110000-ffff"), 5_000);
    expect(JSON.parse(next.data)["run-list"]).toMatch(/Runs \(2\)[\s\S]*20261201-110000-ffff[\s\S]*running/);
    feed.close();
  });

  it("follows a worker's event stream as it is written", async () => {
    const run = writeRunRecord(home, RUN);
    run.events("agent-3", [{ turn: 1, type: "turn.started" }]);
    ui = await startUiServer({ home });
    const page = await get(ui.port, `/runs/${RUN}/agents/agent-3?token=${ui.token}`);
    expect(page.body).toContain("agent-3 · reviewer · clarity: event stream");
    const feed = events(ui.port, `/runs/${RUN}/agents/agent-3/events?token=${ui.token}`);
    await feed.next((e) => e.event === "lines" && e.data === '["[turn 1] turn.started"]', 5_000);
    const writtenAt = Date.now();
    run.events("agent-3", [
      {
        turn: 1,
        type: "item.completed",
        item: { id: "i", type: "command_execution", command: "npm test", exit_code: 0 },
      },
    ]);
    const line = await feed.next((e) => e.data.includes("npm test"), 5_000);
    expect(JSON.parse(line.data)).toEqual(["[turn 1] item.completed command_execution: $ npm test (exit 0)"]);
    expect(line.atMs - writtenAt).toBeLessThan(1_000);
    run.finish();
    await feed.next((e) => e.event === "end", 5_000);
  });

  it("close ends open live streams instead of waiting for them", async () => {
    writeRunRecord(home, RUN);
    ui = await startUiServer({ home });
    const feed = events(ui.port, `/runs/${RUN}/events?token=${ui.token}`);
    await feed.next((e) => e.event === "sections", 5_000);
    const server = ui;
    ui = undefined;
    await server.close();
    await expect(get(server.port, "/")).rejects.toThrow(/ECONNREFUSED/);
  });
});

describe("baton ui (command)", () => {
  it("prints its address, serves, and stops on Ctrl-C with exit 0", async () => {
    writeRunRecord(home, RUN).finish();
    const child = spawn(process.execPath, [MAIN, "ui", "--port", "0"], {
      env: { ...process.env, BATON_HOME: home, BATON_NO_REAP: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      const lines = createInterface({ input: child.stdout! });
      const first = await new Promise<string>((resolve) => lines.once("line", resolve));
      const url = new URL(/^baton ui: (\S+)$/.exec(first)![1]!);
      expect(url.hostname).toBe("127.0.0.1");
      const port = Number(url.port);
      expect((await get(port, "/")).status).toBe(401);
      expect((await get(port, url.pathname + url.search)).body).toContain(RUN);
      const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
      child.kill("SIGINT");
      expect(await exited).toBe(0);
      await expect(get(port, "/")).rejects.toThrow(/ECONNREFUSED/);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  });

  it("says which port is taken", async () => {
    ui = await startUiServer({ home });
    const child = spawn(process.execPath, [MAIN, "ui", "--port", String(ui.port)], {
      env: { ...process.env, BATON_HOME: home, BATON_NO_REAP: "1" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr!.on("data", (chunk) => {
      stderr += chunk;
    });
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
    expect(code).toBe(2);
    expect(stderr).toContain(`port ${ui.port} on 127.0.0.1 is in use; choose another with --port`);
  });
});
