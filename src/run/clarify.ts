import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { BatonError } from "../errors.ts";
import type { WorkerResult } from "./worker-result.ts";

export type Question = WorkerResult["open_questions"][number];
export type AnswerSource = "terminal" | "answers-file" | "recommended";

/** Answers from `--answers FILE`: a list (in question order) or a map from a question's words (or "Q1") to the answer. */
export const AnswerBookSchema = z.union([z.array(z.string()), z.record(z.string(), z.string())]);
export type AnswerBook = z.infer<typeof AnswerBookSchema>;

export function loadAnswers(file: string): AnswerBook {
  let raw: unknown;
  try {
    raw = parseYaml(readFileSync(file, "utf8"));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new BatonError(
      "E_USAGE",
      `\`answers\`: cannot read "${file}": ${code ?? (error as Error).message}`,
      {
        file,
      },
    );
  }
  const parsed = AnswerBookSchema.safeParse(raw);
  if (!parsed.success) {
    throw new BatonError(
      "E_CONFIG",
      `\`answers\`: ${file} must hold a list of answers or a map "question words" → answer (YAML or JSON)`,
      { file },
    );
  }
  return parsed.data;
}

/** A worker that stopped to ask (explicit marker, or questions and nothing else) — not one that merely lists open questions. */
export function needsClarification(finalMessage: string, result: WorkerResult): boolean {
  if (/^\s*CLARIFICATION_NEEDED:/m.test(finalMessage)) return true;
  return (
    result.open_questions.length > 0 && result.findings.length === 0 && result.proposed_changes.length === 0
  );
}

export interface Answerer {
  answer(questions: Question[]): Promise<{ answers: string[]; source: AnswerSource }>;
}

/** Answers from the book where it has them, else from the terminal (if given), else the recommended option. */
export function makeAnswerer(book: AnswerBook | undefined, ask?: (q: Question) => Promise<string>): Answerer {
  let position = 0;
  return {
    async answer(questions) {
      const answers: string[] = [];
      let source: AnswerSource = "recommended";
      for (const [i, q] of questions.entries()) {
        const fromBook = lookup(book, q, i, position++);
        if (fromBook !== undefined) {
          answers.push(fromBook);
          source = "answers-file";
        } else if (ask) {
          answers.push(await ask(q));
          source = "terminal";
        } else
          answers.push(q.recommended || q.options[0] || "Use your best judgement and state the assumption.");
      }
      return { answers, source };
    },
  };
}

function lookup(
  book: AnswerBook | undefined,
  q: Question,
  index: number,
  position: number,
): string | undefined {
  if (!book) return undefined;
  if (Array.isArray(book)) return book[position];
  const key = Object.keys(book).find(
    (k) => k.toLowerCase() === `q${index + 1}` || q.question.toLowerCase().includes(k.toLowerCase()),
  );
  return key === undefined ? undefined : book[key];
}

export function answersMessage(questions: Question[], answers: string[]): string {
  const lines = questions.map((q, i) => `Q${i + 1}: ${q.question}\nA${i + 1}: ${answers[i]}`);
  return `ANSWERS FROM THE ORCHESTRATOR:\n${lines.join("\n")}\nProceed with the full task now, using these answers.`;
}

/** Questions from `CLARIFICATION_NEEDED:` lines when the worker did not fill open_questions. */
export function questionsFromMarker(text: string): Question[] {
  const out: Question[] = [];
  for (const line of text.split("\n")) {
    const m = /^\s*(?:CLARIFICATION_NEEDED:\s*)?(Q\d+:.*)$/.exec(line);
    if (!m) continue;
    const parts = m[1]!.split("|").map((p) => p.trim());
    const options =
      parts
        .find((p) => /^options:/i.test(p))
        ?.replace(/^options:\s*/i, "")
        .split(/\s*,\s*/) ?? [];
    const recommended = parts.find((p) => /^recommended:/i.test(p))?.replace(/^recommended:\s*/i, "") ?? "";
    out.push({ question: parts[0]!.replace(/^Q\d+:\s*/, ""), options, recommended });
  }
  return out;
}
