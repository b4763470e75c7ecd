import { createInterface } from "node:readline";
import { BatonError } from "../../errors.ts";

export interface Choice<T> {
  label: string;
  description: string;
  value: T;
}

/** Asks the seed's preference questions; only ever built for a terminal (see {@link canAsk}). */
export interface Asker {
  choose<T>(question: string, choices: Array<Choice<T>>): Promise<T>;
  text(question: string): Promise<string>;
  close(): void;
}

/** Interactive questions run only on a terminal and never with --yes. */
export function canAsk(
  yes: boolean,
  input: NodeJS.ReadableStream & { isTTY?: boolean } = process.stdin,
): boolean {
  return !yes && input.isTTY === true && process.stdout.isTTY === true;
}

/**
 * A readline-based asker. The first choice is the default (Enter picks it).
 * @example const mode = await asker.choose("Output mode?", [{ label: "Structured", description: "…", value: "structured" }])
 */
export function createAsker(
  input: NodeJS.ReadableStream = process.stdin,
  output: NodeJS.WritableStream = process.stderr,
): Asker {
  const rl = createInterface({ input, terminal: false });
  // The iterator buffers lines, so answers typed (or piped) ahead of a question are not lost.
  const lines = rl[Symbol.asyncIterator]();
  const ask = async (question: string): Promise<string> => {
    output.write(question);
    const next = await lines.next();
    if (next.done) throw new BatonError("E_INTERRUPTED", "input closed before the question was answered");
    return String(next.value).trim();
  };
  return {
    async choose<T>(question: string, choices: Array<Choice<T>>): Promise<T> {
      const menu = choices.map(
        (c, i) => `  ${i + 1}) ${c.label}${i === 0 ? " (default)" : ""} — ${c.description}`,
      );
      output.write(`${question}\n${menu.join("\n")}\n`);
      for (let attempt = 0; attempt < 3; attempt++) {
        const answer = await ask(`Choose 1-${choices.length}: `);
        if (answer === "") return choices[0]!.value;
        const picked =
          choices[Number(answer) - 1] ??
          choices.find((c) => c.label.toLowerCase().startsWith(answer.toLowerCase()));
        if (picked) return picked.value;
        output.write(`"${answer}" is not one of the choices.\n`);
      }
      throw new BatonError("E_USAGE", `no valid answer to "${question}"`);
    },
    async text(question: string): Promise<string> {
      for (let attempt = 0; attempt < 3; attempt++) {
        const answer = await ask(`${question} `);
        if (answer !== "") return answer;
      }
      throw new BatonError("E_USAGE", `no answer to "${question}"`);
    },
    close: () => rl.close(),
  };
}
