import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse as parseToml } from "smol-toml";
import { afterAll, describe, expect, it } from "vitest";
import { runSetup } from "../../src/cli/commands/setup.ts";
import { removeMember, setMember } from "../../src/setup/json-member.ts";
import { SKILL_SOURCE } from "../../src/setup/skill-source.ts";
import { removeTable, setTable } from "../../src/setup/toml-table.ts";
import { baton, snapshot } from "./helpers.ts";

const PATH = ["mcp_servers", "baton"];
const TABLE = '[mcp_servers.baton]\ncommand = "baton"\n';
const root = mkdtempSync(join(tmpdir(), "baton-setup-edits-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("editing one TOML table, every other byte kept", () => {
  const user = [
    "# my settings",
    'model = "gpt-5"   # keep this comment',
    "",
    "[mcp_servers.other]",
    'command = "x"',
    'note = """',
    "[mcp_servers.baton]",
    'not a table: inside a multi-line string"""',
    "",
    '[projects."/a.b"]',
    'trust_level = "trusted"',
    "",
  ].join("\n");

  it("appends after a blank line, and removal gives the exact old text back", () => {
    const edited = setTable(user, PATH, TABLE, "config.toml");
    expect(edited).toBe(`${user}\n${TABLE}`);
    expect((parseToml(edited) as { mcp_servers: Record<string, unknown> }).mcp_servers.baton).toEqual({
      command: "baton",
    });
    expect(removeTable(edited, PATH)).toBe(`${user}\n`);
  });

  it("replaces an existing table and its sub-tables in place, keeping what follows", () => {
    const old = `[mcp_servers.baton]\ncommand = "old"\n\n[mcp_servers.baton.env]\nA = "1"\n\n[other]\nx = 1\n`;
    expect(setTable(old, PATH, TABLE, "config.toml")).toBe(`${TABLE}\n[other]\nx = 1\n`);
  });

  it("refuses baton defined as dotted keys or an inline table, and invalid TOML", () => {
    expect(() => setTable('mcp_servers.baton.command = "x"\n', PATH, TABLE, "c.toml")).toThrow(
      /defines mcp_servers\.baton outside a \[mcp_servers\.baton\] table/,
    );
    expect(() => setTable('[mcp_servers]\nbaton = { command = "x" }\n', PATH, TABLE, "c.toml")).toThrow(
      /inline table/,
    );
    expect(() => setTable("model = \n", PATH, TABLE, "c.toml")).toThrow(/c\.toml is not valid TOML/);
  });
});

describe("editing one JSON member the way Claude Code writes its files", () => {
  const claudeJson = `${JSON.stringify({ numStartups: 3, mcpServers: { other: { command: "x" } }, z: [1] }, null, 2)}\n`;

  it("adds and removes mcpServers.baton; the rest stays byte for byte", () => {
    const added = setMember(claudeJson, ["mcpServers", "baton"], { command: "baton" }, ".claude.json");
    expect(JSON.parse(added).mcpServers).toEqual({ other: { command: "x" }, baton: { command: "baton" } });
    expect(removeMember(added, ["mcpServers", "baton"], ".claude.json", false)).toBe(claudeJson);
  });

  it("creates a missing file; refuses a hand-formatted one instead of rewriting it", () => {
    expect(JSON.parse(setMember(undefined, ["mcpServers", "baton"], { a: 1 }, "x"))).toEqual({
      mcpServers: { baton: { a: 1 } },
    });
    expect(() => setMember('{"a":1,\n "b": 2}', ["mcpServers", "baton"], {}, "x.json")).toThrow(
      /not formatted as Claude Code writes it.*by hand/s,
    );
  });
});

describe("runSetup: record, backup, idempotence, uninstall", () => {
  it("a user's own [mcp_servers.baton] is replaced, backed up, and put back by --uninstall", () => {
    const home = join(root, "home-1");
    const codexHome = join(root, "codex-1");
    mkdirSync(home);
    mkdirSync(codexHome);
    const mine = '# top\n[mcp_servers.baton]\ncommand = "my-old-baton"\n\n[tui]\ntheme = "dark"\n';
    writeFileSync(join(codexHome, "config.toml"), mine);
    const env = { HOME: home, CODEX_HOME: codexHome, PATH: "/usr/bin:/bin" };
    const before = snapshot(codexHome);

    const dry = runSetup("codex", { scope: "user", dryRun: true, env });
    expect(dry.action).toBe("dry-run");
    expect(snapshot(codexHome)).toEqual(before);

    const first = runSetup("codex", { scope: "user", env });
    expect(first.action).toBe("installed");
    expect(
      readFileSync(join(first.backups!, `${join(codexHome, "config.toml").replace(/\//g, "%")}`), "utf8"),
    ).toBe(mine);
    const config = readFileSync(join(codexHome, "config.toml"), "utf8");
    expect(config).toMatch(/^# top\n\[mcp_servers\.baton\]\n# Written by `baton setup codex`/);
    expect(config).toMatch(/\n\n\[tui\]\ntheme = "dark"\n$/);
    expect(runSetup("codex", { scope: "user", env }).action).toBe("unchanged");

    const undone = runSetup("codex", { scope: "user", uninstall: true, env });
    expect(undone.uninstall?.find((s) => s.path.endsWith("config.toml"))?.action).toBe("restored");
    expect(snapshot(codexHome)).toEqual(before);
    expect(() => runSetup("codex", { scope: "user", uninstall: true, env })).toThrow(/nothing to uninstall/);
  });

  it("a config edited after setup keeps the user's edit; only baton's table is taken out", () => {
    const home = join(root, "home-2");
    const codexHome = join(root, "codex-2");
    mkdirSync(home);
    mkdirSync(codexHome);
    const env = { HOME: home, CODEX_HOME: codexHome, PATH: "/usr/bin:/bin" };
    runSetup("codex", { scope: "user", env });
    const file = join(codexHome, "config.toml");
    writeFileSync(file, `${readFileSync(file, "utf8")}\n[tui]\ntheme = "light"\n`);
    const undone = runSetup("codex", { scope: "user", uninstall: true, env });
    expect(undone.uninstall?.find((s) => s.path === file)?.action).toBe("edited");
    expect(readFileSync(file, "utf8")).toBe('[tui]\ntheme = "light"\n');
    expect(snapshot(codexHome)).toEqual({ "config.toml": '[tui]\ntheme = "light"\n' });
  });
});

describe("the baton orchestration skill as shipped", () => {
  it("validates at 90 or more with no auto-fail (`baton skill validate`)", () => {
    const r = baton(["skill", "validate", SKILL_SOURCE, "--json"], process.env);
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { score: number; autoFails: unknown[] };
    expect(report.autoFails).toEqual([]);
    expect(report.score).toBeGreaterThanOrEqual(90);
  });
});
