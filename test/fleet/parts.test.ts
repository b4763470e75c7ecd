import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Supervisor } from "../../src/core/process/supervisor.ts";
import { parseQueueUrl } from "../../src/fleet/connection.ts";
import type { TurnJob } from "../../src/fleet/protocol.ts";
import { repoOf, workerCwd } from "../../src/fleet/workdir.ts";
import { Git } from "../../src/git/git.ts";

const gitContext = new Git(new Supervisor({ sidecar: false }));
const context = () => gitContext;

describe("--queue URLs", () => {
  it("pass host, port, database, user and password through, and never show the password", () => {
    const c = parseQueueUrl("redis://ops:s%3Ecret@10.0.0.5:6380/2", {});
    expect(c.options).toMatchObject({
      host: "10.0.0.5",
      port: 6380,
      db: 2,
      username: "ops",
      password: "s>cret",
    });
    expect(c.display).toBe("redis://ops@10.0.0.5:6380/2");
    expect(c.options.tls).toBeUndefined();
  });

  it("take the password from $BATON_REDIS_PASSWORD and TLS from rediss://, with a private CA", () => {
    const dir = mkdtempSync(join(tmpdir(), "baton-ca-"));
    writeFileSync(join(dir, "ca.pem"), "-----BEGIN CERTIFICATE-----\n");
    const c = parseQueueUrl("rediss://redis.internal", {
      BATON_REDIS_PASSWORD: "pw",
      BATON_REDIS_CA_FILE: join(dir, "ca.pem"),
    });
    expect(c.options).toMatchObject({ host: "redis.internal", port: 6379, password: "pw" });
    expect(c.options.tls).toMatchObject({ servername: "redis.internal" });
    expect(String((c.options.tls as { ca: Buffer }).ca)).toContain("BEGIN CERTIFICATE");
  });

  it("reject what is not a Redis URL, saying what is expected", () => {
    expect(() => parseQueueUrl("10.0.0.5:6379")).toThrow(/is not a URL; use redis:\/\/HOST:PORT/);
    expect(() => parseQueueUrl("http://10.0.0.5:6379")).toThrow(/expected a redis:\/\/ or rediss:\/\/ URL/);
    expect(() => parseQueueUrl("redis://h/x")).toThrow(/database number/);
  });
});

describe("where a worker runs a turn", () => {
  const git = (cwd: string, ...args: string[]) =>
    execFileSync("git", ["-C", cwd, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }).trim();
  function repo(): { root: string; commit: string } {
    const root = mkdtempSync(join(tmpdir(), "baton-repo-"));
    git(root, "init", "-q");
    mkdirSync(join(root, "pkg"));
    writeFileSync(join(root, "pkg", "a.txt"), "a\n");
    git(root, "add", ".");
    git(root, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "one");
    return { root, commit: git(root, "rev-parse", "HEAD") };
  }
  const job = (cwd: string, r?: TurnJob["repo"]): TurnJob => ({
    v: 1,
    submitter: "s",
    agentId: "agent-1",
    turn: 1,
    backend: "command",
    request: { agentId: "agent-1", prompt: "p", cwd, sandbox: "read-only" },
    repo: r,
  });

  it("a checkout at the submitter's commit runs the turn at the same place inside it", async () => {
    const r = repo();
    const checkout = mkdtempSync(join(tmpdir(), "baton-checkout-"));
    git(checkout, "clone", "-q", r.root, ".");
    const found = await repoOf(join(r.root, "pkg"), new Map(), context);
    expect(found).toEqual({ root: r.root, commit: r.commit });
    expect(await workerCwd(job(join(r.root, "pkg"), found), checkout, "w1", gitContext)).toEqual({
      cwd: join(checkout, "pkg"),
    });
  });

  it("a checkout at another commit is refused with the command that fixes it", async () => {
    const r = repo();
    const checkout = mkdtempSync(join(tmpdir(), "baton-checkout-"));
    git(checkout, "clone", "-q", r.root, ".");
    writeFileSync(join(r.root, "b.txt"), "b\n");
    git(r.root, "add", ".");
    git(r.root, "-c", "user.name=t", "-c", "user.email=t@t", "commit", "-qm", "two");
    const moved = (await repoOf(r.root, new Map(), context))!;
    const result = await workerCwd(job(r.root, moved), checkout, "w1", gitContext);
    expect("error" in result && result.error).toMatch(
      new RegExp(`is at .*, the submitter at ${moved.commit.slice(0, 12)}.*checkout ${moved.commit}`),
    );
  });

  it("without a checkout the submitter's path must exist on the worker", async () => {
    expect(await workerCwd(job("/no/such/dir"), undefined, "w1", gitContext)).toMatchObject({
      error: expect.stringMatching(/has no directory \/no\/such\/dir.*--checkout/),
    });
    expect(await repoOf(tmpdir(), new Map(), context)).toBeUndefined();
  });
});
