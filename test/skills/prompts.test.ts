import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { askMode, askSource, resolveTarget } from "../../src/skills/package/create.ts";
import { canAsk, createAsker } from "../../src/skills/package/prompts.ts";
import { tempDir } from "./helpers.ts";

/** An asker fed with scripted answers, one line each. */
function scripted(answers: string[]) {
  const input = new PassThrough();
  const output = new PassThrough();
  let shown = "";
  output.on("data", (chunk: Buffer) => {
    shown += chunk.toString();
  });
  input.end(`${answers.join("\n")}\n`);
  return { asker: createAsker(input, output), shown: () => shown };
}

let tmp: Awaited<ReturnType<typeof tempDir>>;
beforeEach(async () => {
  tmp = await tempDir();
});
afterEach(async () => {
  await tmp.cleanup();
});

describe("interactive questions", () => {
  it("never asks without a terminal or with --yes", () => {
    expect(canAsk(false, Object.assign(new PassThrough(), { isTTY: false }))).toBe(false);
    expect(canAsk(true, Object.assign(new PassThrough(), { isTTY: true }))).toBe(false);
  });

  it("asks the seed's two preference questions; Enter takes the default", async () => {
    const { asker, shown } = scripted(["1", "A two-agent planning skill", ""]);
    expect(await askSource(asker)).toEqual({ kind: "text", text: "A two-agent planning skill" });
    expect(await askMode(asker)).toBe("structured");
    asker.close();
    expect(shown()).toContain("What is the input source?");
    expect(shown()).toContain("What is the output mode for this Codex skill?");
  });

  it("an existing output directory: the user picks a new name instead of overwriting", async () => {
    await mkdir(join(tmp.dir, "taken"));
    const { asker } = scripted(["1", "fresh-name"]);
    const target = await resolveTarget("taken", { outDir: tmp.dir, force: false, asker });
    asker.close();
    expect(target).toEqual({ name: "fresh-name", dir: join(tmp.dir, "fresh-name"), overwrite: false });
  });

  it("re-asks an invalid choice, and cancelling writes nothing", async () => {
    await mkdir(join(tmp.dir, "taken"));
    const { asker, shown } = scripted(["9", "3"]);
    await expect(resolveTarget("taken", { outDir: tmp.dir, force: false, asker })).rejects.toThrow(
      /cancelled/,
    );
    asker.close();
    expect(shown()).toContain('"9" is not one of the choices.');
  });
});
