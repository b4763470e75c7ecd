/**
 * baton's subset of the app-server protocol (src/backends/codex-app/protocol.ts) checked against the
 * JSON Schema that the pinned codex binary generates: every method exists, every request baton sends and
 * every answer it gives validates, and every field it reads exists (and is required where baton needs it).
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Ajv } from "ajv";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import {
  CLIENT_METHODS,
  INITIALIZE_PARAMS,
  InitializeResult,
  NOTIFICATIONS,
  SERVER_REQUEST_ANSWERS,
  ThreadResult,
  TurnStartResult,
  threadSettings,
  turnStartParams,
  versionOfUserAgent,
} from "../../../src/backends/codex-app/protocol.ts";
import { makeCodexTestEnv } from "../../helpers/codex-home.ts";

type Schema = Record<string, unknown> & { definitions?: Record<string, Schema> };
let dir: string;
const load = (name: string): Schema => JSON.parse(readFileSync(join(dir, `${name}.json`), "utf8"));
let clientRequest: Schema;
let serverNotification: Schema;
let serverRequest: Schema;
const ajv = new Ajv({ strict: false, validateFormats: false, allErrors: true });

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "baton-app-schema-"));
  const t = await makeCodexTestEnv({ baseUrl: "http://127.0.0.1:9/v1" });
  execFileSync(t.codexBin, ["app-server", "generate-json-schema", "--out", dir], {
    env: t.env,
    stdio: "ignore",
  });
  await t.cleanup();
  clientRequest = load("ClientRequest");
  serverNotification = load("ServerNotification");
  serverRequest = load("ServerRequest");
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The variant of a generated union whose `method` is `method`. */
function variant(union: Schema, method: string): Schema | undefined {
  return (union.oneOf as Schema[]).find((v) => {
    const m = (v.properties as Record<string, { enum?: string[] }>).method;
    return m?.enum?.[0] === method;
  });
}

function resolve(schema: Schema, root: Schema): Schema {
  let s = schema;
  while (typeof s.$ref === "string") s = root.definitions![(s.$ref as string).split("/").pop()!]!;
  if (Array.isArray(s.anyOf)) {
    const nonNull = (s.anyOf as Schema[]).filter((x) => x.type !== "null");
    if (nonNull.length === 1) return resolve(nonNull[0]!, root);
  }
  return s;
}

/**
 * Every property baton's zod schema reads must exist in the generated schema (in each variant of a
 * union), and one baton requires must be required there too. Returns the paths that do not.
 */
function missingFields(ours: z.ZodType, generated: Schema, root: Schema, path = "$"): string[] {
  const mine = z.toJSONSchema(ours, { unrepresentable: "any" }) as Schema;
  return compare(mine, generated, root, path);
}

function compare(mine: Schema, generated: Schema, root: Schema, path: string): string[] {
  const theirs = resolve(generated, root);
  if (Array.isArray(mine.anyOf)) {
    const nonNull = (mine.anyOf as Schema[]).filter((x) => x.type !== "null");
    return nonNull.flatMap((m) => compare(m, theirs, root, path));
  }
  if (mine.type !== "object" || !mine.properties) return [];
  const variants = Array.isArray(theirs.oneOf)
    ? (theirs.oneOf as Schema[]).map((v) => resolve(v, root))
    : [theirs];
  const problems: string[] = [];
  for (const v of variants) {
    const props = (v.properties ?? {}) as Record<string, Schema>;
    const required = new Set((v.required as string[] | undefined) ?? []);
    for (const [key, sub] of Object.entries(mine.properties as Record<string, Schema>)) {
      if (!(key in props)) problems.push(`${path}.${key} (absent)`);
      else {
        if ((mine.required as string[] | undefined)?.includes(key) && !required.has(key))
          problems.push(`${path}.${key} (optional in codex)`);
        problems.push(...compare(sub, props[key]!, root, `${path}.${key}`));
      }
    }
  }
  return problems;
}

const REQUEST = {
  agentId: "a",
  prompt: "hello",
  cwd: "/tmp",
  sandbox: "workspace-write" as const,
  model: "m",
  instructions: "be brief",
  outputSchema: { type: "object" },
  scratchDir: "/tmp/x",
};

describe("the codex-app protocol subset, checked against the pinned codex's generated schema", () => {
  it("every client method baton calls exists, and every request it sends validates", () => {
    for (const method of CLIENT_METHODS) expect(variant(clientRequest, method), method).toBeDefined();
    const settings = threadSettings(REQUEST, "owner:p1:a:1");
    const sent: [string, unknown][] = [
      ["initialize", INITIALIZE_PARAMS],
      ["thread/start", { ...settings, ephemeral: false }],
      ["thread/resume", { ...settings, threadId: "t", excludeTurns: true }],
      ["thread/unsubscribe", { threadId: "t" }],
      ["turn/start", turnStartParams("t", REQUEST)],
      ["turn/interrupt", { threadId: "t", turnId: "u" }],
    ];
    const validate = ajv.compile(clientRequest);
    for (const [method, params] of sent) {
      const ok = validate({ id: 1, method, params });
      expect(ok, `${method}: ${JSON.stringify(validate.errors?.slice(0, 3))}`).toBe(true);
    }
    // A request baton does not send is rejected by the same check, so the check can fail.
    expect(validate({ id: 1, method: "turn/start", params: { input: [] } })).toBe(false);
  });

  it("every answer baton gives to a server request validates against that request's response schema", () => {
    for (const [method, answer] of Object.entries(SERVER_REQUEST_ANSWERS)) {
      const v = variant(serverRequest, method);
      expect(v, method).toBeDefined();
      const paramsName = ((v!.properties as Record<string, Schema>).params!.$ref as string).split("/").pop()!;
      const response = load(paramsName.replace(/Params$/, "Response"));
      const validate = ajv.compile(response);
      expect(validate(answer), `${method}: ${JSON.stringify(validate.errors)}`).toBe(true);
    }
  });

  it("every notification and field baton reads exists in the generated protocol", () => {
    for (const [method, schema] of Object.entries(NOTIFICATIONS)) {
      const v = variant(serverNotification, method);
      expect(v, method).toBeDefined();
      const params = (v!.properties as Record<string, Schema>).params!;
      expect(missingFields(schema, params, serverNotification, method)).toEqual([]);
    }
    const v2 = load("codex_app_server_protocol.v2.schemas");
    const results: [z.ZodType, string][] = [
      [ThreadResult, "ThreadStartResponse"],
      [ThreadResult, "ThreadResumeResponse"],
      [TurnStartResult, "TurnStartResponse"],
    ];
    for (const [schema, name] of results)
      expect(missingFields(schema, v2.definitions![name]!, v2, name)).toEqual([]);
    const init = load("codex_app_server_protocol.schemas");
    expect(missingFields(InitializeResult, init.definitions!.InitializeResponse!, init)).toEqual([]);
    // A field codex does not have is reported, so the check can fail.
    const bogus = z.object({ threadId: z.string(), nonsense: z.string() });
    const params = (variant(serverNotification, "turn/completed")!.properties as Record<string, Schema>)
      .params!;
    expect(missingFields(bogus, params, serverNotification)).toEqual(["$.nonsense (absent)"]);
  });

  it("reads the codex version from the initialize answer's user agent", () => {
    expect(versionOfUserAgent("baton/0.169.0 (Debian 12.0.0; x86_64) xterm (baton; 0)")).toBe("0.169.0");
    expect(versionOfUserAgent("no version here")).toBeUndefined();
  });
});
