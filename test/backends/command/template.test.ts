import { describe, expect, it } from "vitest";
import { fillTemplate, parseCommandTemplate } from "../../../src/backends/command/template.ts";

describe("parseCommandTemplate", () => {
  it("splits words like a shell does, quotes included, without expanding anything", () => {
    const t = parseCommandTemplate(`aider --yes  --message {prompt} 'two words' "say \\"hi\\"" back\\ slash`);
    expect(t.file).toBe("aider");
    expect(t.args).toEqual(["--yes", "--message", "{prompt}", "two words", 'say "hi"', "back slash"]);
    expect([...t.uses]).toEqual(["prompt"]);
  });

  it("notes which placeholders the template uses", () => {
    expect([...parseCommandTemplate("tool --in {prompt_file} --out {output_file}").uses].sort()).toEqual([
      "output_file",
      "prompt_file",
    ]);
    expect(parseCommandTemplate("tool --stdin").uses.size).toBe(0);
  });

  it.each([
    ["agent {prompt} | tee log", /unquoted "\|"/],
    ["agent {prompt}; rm -rf x", /unquoted ";"/],
    ["agent $HOME", /unquoted "\$"/],
    ['agent "$(whoami)"', /"\$" inside double quotes/],
    ["agent 'open", /unclosed single quote/],
    ['agent "open', /unclosed double quote/],
    ["{prompt} --x", /placeholder in the program name/],
    ["   ", /--command is empty/],
  ])("refuses %j, saying why", (template, message) => {
    expect(() => parseCommandTemplate(template)).toThrow(message);
  });

  it("the refusal teaches how to run a shell without building one from the prompt", () => {
    expect(() => parseCommandTemplate("a | b")).toThrow(/without a shell.*sh -c .* sh \{prompt\}/s);
  });
});

describe("fillTemplate", () => {
  it("puts the prompt into exactly one argv element, whatever it contains", () => {
    const t = parseCommandTemplate("agent --message {prompt} --label=task:{prompt}");
    const prompt = `it's "quoted"; $(rm -rf /) \`x\` | y\n--flag {prompt} $1`;
    const args = fillTemplate(t, { prompt });
    expect(args).toEqual(["--message", prompt, `--label=task:${prompt}`]);
  });

  it("leaves placeholders it has no value for, and other braces, alone", () => {
    expect(fillTemplate(parseCommandTemplate(`agent '{"a":1}' {output_file}`), { prompt: "p" })).toEqual([
      '{"a":1}',
      "{output_file}",
    ]);
  });
});
