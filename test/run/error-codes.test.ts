import { describe, expect, it } from "vitest";
import { AppServer } from "../../src/backends/codex-app/server.ts";
import { withFlags } from "../../src/cli/flags.ts";
import { Supervisor } from "../../src/core/process/supervisor.ts";
import { BatonError } from "../../src/errors.ts";
import { checkMapOptions, type MapOptions } from "../../src/map/options.ts";
import { checkRunOptions, type RunOptions } from "../../src/run/options.ts";
import { stepFailed } from "../../src/run/patterns/shared.ts";
import type { WorkerOutcome } from "../../src/run/worker-spec.ts";
import { fakeBackend } from "../helpers/fake-backend.ts";

const thrown = (check: () => void): BatonError => {
  try {
    check();
  } catch (error) {
    if (error instanceof BatonError) return error;
    throw error;
  }
  throw new Error("expected a BatonError");
};

describe("library messages name options, the CLI names flags", () => {
  const backends = fakeBackend();
  const run = (o: Partial<RunOptions>) => thrown(() => checkRunOptions({ task: "x", backends, ...o }));
  const map = (o: Partial<MapOptions>) =>
    thrown(() => checkMapOptions({ tasks: [], prompt: "p", backends, ...o }));
  it.each([
    ["workers", () => run({ workers: 0 }), "--workers must be a whole number from 1 to 16, got 0"],
    ["maxTokens", () => run({ maxTokens: 1.5 }), "--max-tokens must be a whole number"],
    [
      "lenses",
      () => run({ pattern: "research", lenses: ["a", "b"], workers: 8 }),
      "--workers 8 asks for more workers than the 2 --lenses given",
    ],
    [
      "sections",
      () => run({ pattern: "split", sections: ["a"] }),
      "--pattern split needs at least two --sections",
    ],
    [
      "verifyCommand",
      () => run({ verifyCommand: "true" }),
      "--verify apply to writers in their own worktrees; add --writers worktree (or --write)",
    ],
    ["timeoutMs", () => map({ timeoutMs: 0 }), "--timeout must be a whole number"],
    [
      "prompt",
      () => map({ prompt: " " }),
      '--prompt is empty; say what each agent does, e.g. --prompt "Migrate {path} to ESM"',
    ],
  ])("%s", (option, check, cli) => {
    const error = check();
    expect(error.code).toBe("E_USAGE");
    expect(error.message).not.toMatch(/--[a-z]/);
    expect(error.message).toContain(`\`${option}\``);
    expect(withFlags(error.message)).toContain(cli);
  });

  it("withFlags leaves names it does not know, and text outside backticks, alone", () => {
    expect(withFlags("`message` must be a string; workers and `workers`")).toBe(
      "`message` must be a string; workers and --workers",
    );
  });
});

describe("a failed step's code says why", () => {
  const outcome = (endReason: WorkerOutcome["endReason"]): WorkerOutcome => ({
    agentId: "agent-1",
    label: "w",
    role: "worker",
    ok: false,
    endReason,
    finalMessage: "",
  });
  it.each([
    [["timed_out", "stalled"], "E_TIMEOUT"],
    [["cancelled"], "E_INTERRUPTED"],
    [["timed_out", "failed"], "E_BACKEND"],
    [["failed"], "E_BACKEND"],
  ] as const)("%j → %s", (reasons, code) => {
    const error = stepFailed("every worker failed", reasons.map(outcome));
    expect(error.code).toBe(code);
    expect(error.message).toContain("w: ");
  });

  it("an app-server that never answers initialize: E_TIMEOUT, and the process is gone", async () => {
    const supervisor = new Supervisor({ sidecar: false });
    const started = AppServer.start(
      {
        file: process.execPath,
        args: ["-e", "setTimeout(() => {}, 30_000)"],
        env: process.env,
        tag: `${supervisor.scope()}:app`,
        requestTimeoutMs: 300,
        anyVersion: true,
        supervisor,
      },
      { notification: () => {}, request: () => {} },
    );
    const error = await started.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(BatonError);
    expect((error as BatonError).code).toBe("E_TIMEOUT");
    expect((error as BatonError).message).toMatch(/initialize got no answer .* within 300 ms/);
    expect(supervisor.liveCount).toBe(0);
    supervisor.dispose();
  });
});
