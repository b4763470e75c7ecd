import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";

export const MAIN = fileURLToPath(new URL("../../src/cli/main.ts", import.meta.url));

/** Every file under `dir` with its bytes (directories included, as ""), for byte-for-byte comparisons. */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  if (!existsSync(dir)) return out;
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const path = join(d, name);
      const rel = relative(dir, path);
      if (statSync(path).isDirectory()) {
        out[`${rel}/`] = "";
        walk(path);
      } else out[rel] = readFileSync(path, "latin1");
    }
  };
  walk(dir);
  return out;
}

/** `baton <args>` from the sources, with the given environment (HOME, CODEX_HOME, …). */
export function baton(args: string[], env: NodeJS.ProcessEnv, cwd?: string) {
  const r = spawnSync(process.execPath, [MAIN, ...args], { cwd, env, encoding: "utf8", timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs a CLI to its exit with stdin closed; killed after `timeoutMs`. */
export function runToExit(
  file: string,
  args: string[],
  options: { cwd: string; env: NodeJS.ProcessEnv; timeoutMs: number },
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(file, args, { cwd: options.cwd, env: options.env, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs);
  return new Promise((resolve) =>
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    }),
  );
}

export const LENSES = ["correctness", "risks and failure modes", "clarity"];
export const AGENT_IDS = ["agent-1", "agent-2", "agent-3"];

/** The worker preamble exactly as the installed skill defines it. */
export function preambleOf(skill: string): string {
  const match = /const PREAMBLE = `([^`]+)`/.exec(skill);
  if (!match) throw new Error("the skill has no PREAMBLE");
  return match[1]!;
}

/** A Pattern A reviewer message as the skill builds it, for notes.md and one lens. */
export function reviewerMessage(preamble: string, lens: string): string {
  return (
    `${preamble}\nTASK: Review notes.md and produce improvements.\nLENS: ${lens}\n` +
    "Goal: find what matters most through this lens, with evidence.\n" +
    "Scope: read-only; the artefact named in the task and what it depends on.\n" +
    "Deliverables: findings in your role's Output Format."
  );
}

/** Scripted codex workers: each reviewer answers with a finding naming its lens. */
export function reviewerRules() {
  return LENSES.map((lens) => ({
    match: `/^CONTEXT: WORKER[\\s\\S]*LENS: ${lens}/`,
    reply: `Summary: ${lens} finding.\nFindings: notes.md:3 "retry forever" (${lens}).`,
  }));
}
