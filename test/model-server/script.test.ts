import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isBatonError } from "../../src/errors.ts";
import { loadScript, matchesText, parseModelScript } from "../../src/model-server/script.ts";

function configError(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(isBatonError(error, "E_CONFIG")).toBe(true);
    return (error as Error).message;
  }
  throw new Error("expected an E_CONFIG error");
}

describe("parseModelScript", () => {
  it("applies defaults", () => {
    expect(parseModelScript({})).toEqual({ rules: [], default: { reply: "ok" } });
  });

  it("names the path of a wrong type", () => {
    const message = configError(() =>
      parseModelScript(
        { rules: [{ match: "a", reply: "x" }, { steps: [{ reply: "y" }, { shell: 3 }] }] },
        "s.yaml",
      ),
    );
    expect(message).toContain("s.yaml");
    expect(message).toContain("rules[1].steps[1].shell");
    expect(message).toMatch(/expected string/i);
  });

  it("requires exactly one action per rule and step", () => {
    expect(configError(() => parseModelScript({ rules: [{ match: "a" }] }))).toMatch(
      /rules\[0\]: expected one action .*found none/,
    );
    expect(configError(() => parseModelScript({ rules: [{ reply: "a", shell: "ls" }] }))).toMatch(
      /rules\[0\]: expected exactly one action .*found reply and shell/,
    );
    expect(configError(() => parseModelScript({ default: { reply: "a", steps: [] } }))).toMatch(/default/);
  });

  it("rejects unknown keys, bad regexes and bad http statuses", () => {
    expect(configError(() => parseModelScript({ rules: [{ reply: "a", time: 2 }] }))).toMatch(
      /rules\[0\].*time/,
    );
    expect(configError(() => parseModelScript({ rules: [{ match: "/(/", reply: "a" }] }))).toMatch(
      /rules\[0\]\.match: invalid regular expression/,
    );
    expect(configError(() => parseModelScript({ rules: [{ http: { status: 200 } }] }))).toMatch(
      /rules\[0\]\.http\.status/,
    );
    expect(configError(() => parseModelScript({ rules: [{ reply: "a", times: 0 }] }))).toMatch(
      /rules\[0\]\.times/,
    );
  });

  it("accepts every action kind", () => {
    const script = parseModelScript({
      rules: [
        { reply: "r" },
        { json: { a: 1 } },
        { jsonAuto: true },
        { toolCall: { name: "t", arguments: { x: 1 }, namespace: "mcp__s" } },
        { toolCall: [{ name: "a" }, { name: "b" }] },
        { shell: "ls" },
        { fail: "f" },
        { fail: { message: "f", code: "context_length_exceeded" } },
        { http: { status: 429, retryAfterSeconds: 2, body: "slow down" } },
        { hang: true },
        { reasoning: "hmm", reply: "r", delayMs: 5, usage: { inputTokens: 3 } },
      ],
    });
    expect(script.rules).toHaveLength(11);
  });
});

describe("matchesText", () => {
  it("matches substrings and /regex/flags", () => {
    expect(matchesText("view", "please review this")).toBe(true);
    expect(matchesText("View", "please review this")).toBe(false);
    expect(matchesText("/^please\\s+REVIEW/i", "please review this")).toBe(true);
    expect(matchesText("/^review/", "please review this")).toBe(false);
  });
});

describe("loadScript", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "baton-script-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("reads YAML and JSON", async () => {
    await writeFile(
      join(dir, "a.yaml"),
      'rules:\n  - match: "hi"\n    reply: hello\ndefault: { reply: nope }\n',
    );
    await writeFile(join(dir, "b.json"), JSON.stringify({ rules: [{ shell: "ls" }] }));
    expect(await loadScript(join(dir, "a.yaml"))).toEqual({
      rules: [{ match: "hi", reply: "hello" }],
      default: { reply: "nope" },
    });
    expect((await loadScript(join(dir, "b.json"))).rules[0]).toEqual({ shell: "ls" });
  });

  it("names the file and the path on schema errors", async () => {
    const file = join(dir, "bad.yaml");
    await writeFile(file, "rules:\n  - match: hi\n    steps:\n      - reply: 1\n");
    await expect(loadScript(file)).rejects.toMatchObject({
      code: "E_CONFIG",
      message: expect.stringMatching(new RegExp(`${file}[\\s\\S]*rules\\[0\\]\\.steps\\[0\\]\\.reply`)),
    });
  });

  it("reports syntax errors and missing files", async () => {
    const file = join(dir, "broken.yaml");
    await writeFile(file, "rules: [\n");
    await expect(loadScript(file)).rejects.toMatchObject({
      code: "E_CONFIG",
      message: expect.stringContaining(file),
    });
    await expect(loadScript(join(dir, "missing.yaml"))).rejects.toMatchObject({ code: "E_NOT_FOUND" });
  });
});
