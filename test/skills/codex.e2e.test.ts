import { spawn } from "node:child_process";
import { appendFile, mkdir } from "node:fs/promises";
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
async function codexExec(prompt: string, cwd: string): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(env.codexBin, ["exec", "--json", "--skip-git-repo-check", "-s", "read-only", prompt], {
    cwd,
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

/** The generated package (code-review) and the converted one (feature-review), deployed at `scope`. */
async function deployBoth(scope: "user" | "project"): Promise<string> {
  const generated = await writeRendered(await reviewConfig(), join(tmp.dir, "generated"));
  const converted = await convertToPackage(join(CLAUDE_PROJECT, "skills", "feature-review"), {
    outDir: join(tmp.dir, "converted"),
    force: false,
  });
  expect(converted.delivery.delivered).toBe(true);
  const project = join(tmp.dir, "project");
  await mkdir(project, { recursive: true });
  if (scope === "project") {
    // Codex loads project roles only in trusted projects: trust it the way codex records it.
    await appendFile(
      join(env.codexHome, "config.toml"),
      `\n[projects."${project}"]\ntrust_level = "trusted"\n`,
    );
  }
  for (const pkg of [generated, converted.delivery.dir]) {
    const result = await deploySkill(pkg, { scope, root: project, codexHome: env.codexHome, home: env.home });
    expect(result.warnings).toEqual([]);
    expect(result.skillDir).toBe(
      scope === "user"
        ? join(env.home, ".agents", "skills", result.skill)
        : join(project, ".agents", "skills", result.skill),
    );
  }
  return project;
}

describe("deployed packages in the real codex CLI", () => {
  for (const scope of ["user", "project"] as const) {
    it(`--scope ${scope}: a generated and a converted package are listed, injected, and their roles offered to spawn_agent`, async () => {
      const cwd = await deployBoth(scope);
      const run = await codexExec("$code-review $feature-review do it", cwd);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).not.toMatch(/SKILL\.md|agents\/.*\.toml|malformed/); // codex reports files it skips on stderr
      const body = server.requests[0]!.body;
      const developer = texts(body, "developer").join("\n");
      expect(developer).toMatch(
        /<skills_instructions>[\s\S]*- code-review: Reviews a change with three parallel reviewers/,
      );
      expect(developer).toContain("- feature-review: Reviews a feature branch");
      const user = texts(body, "user");
      const generated = user.find((t) => t.startsWith("<skill>\n<name>code-review</name>"));
      expect(generated).toContain("## Agent Registry");
      expect(generated).toContain('agent_type: "security-reviewer"');
      const converted = user.find((t) => t.startsWith("<skill>\n<name>feature-review</name>"));
      expect(converted).toContain("send_input({ target: riskTask");
      const roles = agentTypeDescription(body);
      for (const role of ["security-reviewer", "correctness-reviewer", "synthesizer", "risk-reviewer"]) {
        expect(roles).toContain(`${role}: {`);
      }
      expect(roles).toContain("Security reviewer for application code. Used by the code-review skill");
      expect(roles).toContain("code-explorer: {\nExplores code paths and maps architecture.");
    });
  }
});
