import { BatonError } from "../../errors.ts";

/** Placeholders a command template may use; each is replaced inside one argv element, never re-split. */
export const PLACEHOLDERS = ["prompt", "prompt_file", "output_file"] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];

export interface CommandTemplate {
  /** argv[0]: a name looked up on PATH, or a path. */
  file: string;
  /** The remaining elements, placeholders still in them. */
  args: string[];
  /** Placeholders the template uses. */
  uses: Set<Placeholder>;
}

/** Characters that only mean something to a shell; outside quotes they are refused, not silently passed. */
const SHELL_ONLY = new Set(["|", "&", ";", "<", ">", "`", "(", ")"]);

/**
 * Splits a command template into argv the way a POSIX shell splits words — whitespace separates,
 * '…' is literal, "…" allows \" \\ \$ \`, a backslash escapes the next character — and does nothing
 * else: no variables, globs, pipes or redirections. So a prompt substituted later can never become code.
 *
 * @example parseCommandTemplate(`aider --yes --message {prompt}`).args // ["--yes", "--message", "{prompt}"]
 */
export function parseCommandTemplate(template: string): CommandTemplate {
  const words: string[] = [];
  let word = "";
  let inWord = false;
  let i = 0;
  const fail = (what: string): never => {
    throw new BatonError(
      "E_USAGE",
      `--command: ${what} in ${JSON.stringify(template)}. baton runs the command without a shell; ` +
        `quote the character, or run a shell yourself with the prompt as its own argument, e.g. ` +
        `--command 'sh -c "my-agent \\"$1\\" | tee log" sh {prompt}'`,
    );
  };
  while (i < template.length) {
    const c = template[i]!;
    if (c === " " || c === "\t" || c === "\n") {
      if (inWord) words.push(word);
      word = "";
      inWord = false;
      i++;
    } else if (c === "'") {
      const close = template.indexOf("'", i + 1);
      if (close < 0) fail("an unclosed single quote");
      word += template.slice(i + 1, close);
      inWord = true;
      i = close + 1;
    } else if (c === '"') {
      i++;
      inWord = true;
      for (;;) {
        if (i >= template.length) fail("an unclosed double quote");
        const d = template[i]!;
        if (d === '"') break;
        if (d === "\\" && i + 1 < template.length && '"\\$`'.includes(template[i + 1]!)) {
          word += template[i + 1];
          i += 2;
        } else {
          if (d === "$" || d === "`") fail(`"${d}" inside double quotes (no expansion happens)`);
          word += d;
          i++;
        }
      }
      i++;
    } else if (c === "\\") {
      if (i + 1 >= template.length) fail("a trailing backslash");
      word += template[i + 1];
      inWord = true;
      i += 2;
    } else {
      if (SHELL_ONLY.has(c)) fail(`an unquoted "${c}"`);
      if (c === "$" || c === "*" || c === "?" || c === "~") fail(`an unquoted "${c}" (no expansion happens)`);
      word += c;
      inWord = true;
      i++;
    }
  }
  if (inWord) words.push(word);
  if (words.length === 0) {
    throw new BatonError(
      "E_USAGE",
      "--command is empty; give the agent CLI to run, e.g. --command 'aider --yes --message {prompt}'",
    );
  }
  const uses = new Set<Placeholder>();
  for (const w of words) for (const p of PLACEHOLDERS) if (w.includes(`{${p}}`)) uses.add(p);
  if (words[0]!.includes("{")) fail("a placeholder in the program name");
  return { file: words[0]!, args: words.slice(1), uses };
}

/** The argv of one turn: each placeholder replaced inside its own element (one element stays one element). */
export function fillTemplate(
  template: CommandTemplate,
  values: Partial<Record<Placeholder, string>>,
): string[] {
  return template.args.map((arg) =>
    arg.replace(/\{(prompt|prompt_file|output_file)\}/g, (whole, name: Placeholder) => values[name] ?? whole),
  );
}
