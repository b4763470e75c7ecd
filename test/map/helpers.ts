import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { commandBackend } from "../../src/backends/command/backend.ts";
import type { Backend } from "../../src/backends/types.ts";

export const MAP_AGENT = fileURLToPath(new URL("../fixtures/map-agent.mjs", import.meta.url));

export const OK_SCHEMA = {
  type: "object",
  properties: { id: { type: "string" }, ok: { type: "boolean" } },
  required: ["id", "ok"],
  additionalProperties: false,
};

/** A scratch directory with a task list in it and a state directory for the fixture agent. */
export function mapDir(): {
  dir: string;
  state: string;
  home: string;
  write(name: string, text: string): string;
} {
  const dir = mkdtempSync(join(tmpdir(), "baton-map-"));
  const state = mkdtempSync(join(dir, "state-"));
  return {
    dir,
    state,
    home: join(dir, ".baton"),
    write(name, text) {
      const file = join(dir, name);
      writeFileSync(file, text);
      return file;
    },
  };
}

/** test/fixtures/map-agent.mjs as a command backend. */
export function mapAgent(state: string): Backend {
  return commandBackend({
    command: `${process.execPath} ${MAP_AGENT} {prompt}`,
    env: { ...process.env, MAP_AGENT_STATE: state },
  });
}

export function jsonLines(file: string): Array<Record<string, unknown>> {
  return readFileSync(file, "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}

/** How many times the fixture agent ran (one line per process). */
export function agentRuns(state: string): string[] {
  try {
    return readFileSync(join(state, "runs.log"), "utf8").split("\n").filter(Boolean);
  } catch {
    return [];
  }
}
