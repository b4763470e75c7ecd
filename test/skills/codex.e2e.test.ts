import { spawn } from "node:child_process";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type ModelServer, parseModelScript, startModelServer } from "../../src/model-server/index.ts";
import { convertToPackage } from "../../src/skills/convert/convert.ts";
import { deploySkill } from "../../src/skills/package/deploy.ts";
import { type CodexTestEnv, makeCodexTestEnv } from "../helpers/codex-home.ts";
import { CLAUDE_PROJECT, reviewConfig, tempDir, writeRendered } from "./helpers.ts";

// Deploys baton-made packages into a temporary CODEX_HOME and checks, in the requests the real
// codex CLI sends to the scripted model, that codex lists the skill, injects it on $name and
// offers the package's roles as agent_type values of spawn_agent.

const RUN_TIMEOUT_MS = 45_000;

let server: ModelServer;
let env: CodexTestEnv;
let tmp: Awaited<ReturnType<typeof tempDir>>;
beforeEach(async () => {
  server = await startModelServer({ script: parseModelScript({ default: { reply: "done" } }) });
  env = await makeCodexTestEnv({ baseUrl: server.url });
  tmp = await tempDir();
});
afterEach(async () => {
  await server.close();
  await env.cleanup();
  await tmp.cleanup();
});

/** One `codex exec` turn, stdin closed, killed if it outlives RUN_TIMEOUT_MS. */
async function codexExec(prompt: string): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(env.codexBin, ["exec", "--json", "--skip-git-repo-check", "-s", "read-only", prompt], {
    cwd: env.home,
    env: env.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  child.stdout.resume();
  const timer = setTimeout(() => child.kill("SIGKILL"), RUN_TIMEOUT_MS);
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  clearTimeout(timer);
  return { code, stderr };
}

interface InputItem {
  type: string;
  role?: string;
  content?: Array<{ type: string; text?: string }>;
}
interface Tool {
  type: string;
  name?: string;
  tools?: Array<{ name: string; parameters: { properties: Record<string, { description?: string }> } }>;
}

function texts(body: unknown, role: string): string[] {
  const input = (body as { input: InputItem[] }).input;
  return input.filter((i) => i.role === role).flatMap((i) => (i.content ?? []).map((c) => c.text ?? ""));
}

function agentTypeDescription(body: unknown): string {
  const tools = (body as { tools: Tool[] }).tools;
  const spawnAgent = tools
    .find((t) => t.type === "namespace" && t.name === "multi_agent_v1")
    ?.tools?.find((t) => t.name === "spawn_agent");
  return spawnAgent?.parameters.properties.agent_type?.description ?? "";
}

describe("deployed packages in the real codex CLI", () => {
  it("a package generated from a config: listed, injected on $code-review, roles offered to spawn_agent", async () => {
    const pkg = await writeRendered(await reviewConfig(), tmp.dir);
    await deploySkill(pkg, { scope: "user", codexHome: env.codexHome });
    const run = await codexExec("$code-review do it");
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).not.toMatch(/SKILL\.md|agents\/.*\.toml/); // codex reports files it skips on stderr
    const body = server.requests[0]!.body;
    const developer = texts(body, "developer").join("\n");
    expect(developer).toMatch(
      /<skills_instructions>[\s\S]*- code-review: Reviews a change with three parallel reviewers/,
    );
    const injected = texts(body, "user").find((t) => t.startsWith("<skill>\n<name>code-review</name>"));
    expect(injected).toBeDefined();
    expect(injected).toContain("## Agent Registry");
    expect(injected).toContain('agent_type: "security-reviewer"');
    const roles = agentTypeDescription(body);
    for (const role of ["security-reviewer", "correctness-reviewer", "synthesizer"]) {
      expect(roles).toContain(`${role}: {`);
    }
    expect(roles).toContain("Security reviewer for application code. Used by the code-review skill");
  });

  it("a package converted from a Claude skill: injected on $feature-review with its converted roles", async () => {
    const converted = await convertToPackage(join(CLAUDE_PROJECT, "skills", "feature-review"), {
      outDir: tmp.dir,
      force: false,
    });
    expect(converted.delivery.delivered).toBe(true);
    await deploySkill(converted.delivery.dir, { scope: "user", codexHome: env.codexHome });
    const run = await codexExec("$feature-review do it");
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).not.toMatch(/SKILL\.md|agents\/.*\.toml/); // codex reports files it skips on stderr
    const body = server.requests[0]!.body;
    expect(texts(body, "developer").join("\n")).toContain("- feature-review: Reviews a feature branch");
    const injected = texts(body, "user").find((t) => t.startsWith("<skill>\n<name>feature-review</name>"));
    expect(injected).toContain("send_input({ target: riskTask");
    const roles = agentTypeDescription(body);
    expect(roles).toContain("code-explorer: {\nExplores code paths and maps architecture.");
    expect(roles).toContain("risk-reviewer: {");
  });
});
