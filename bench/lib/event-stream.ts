import { closeSync, openSync, writeSync } from "node:fs";

/** Sizes of the `aggregated_output` of successive command items: small to one large (1 MiB) output. */
const OUTPUT_SIZES = [512, 8 * 1024, 64 * 1024, 1024 * 1024];

/** Log-like text with what JSON must escape (quotes, tabs, newlines) and non-ASCII (UTF-8) characters. */
function outputText(size: number, seed: number): string {
  const parts: string[] = [];
  let length = 0;
  for (let line = 0; length < size; line++) {
    const text =
      line % 7 === 0
        ? `  → ${seed}:${line} naïve "quoted" value\tcolumn — ok ✓\n`
        : `src/module_${(seed + line) % 97}.ts:${line + 1}:${line % 80} info: processed item ${line} of batch ${seed}\n`;
    parts.push(text);
    length += text.length;
  }
  return parts.join("").slice(0, size);
}

/**
 * Writes a `codex exec --json` stream of about `totalBytes` to `file`: a thread, then command
 * executions with large outputs (item.started + item.completed), reasoning updates, a final answer
 * and turn.completed. Returns the exact size and the number of lines.
 */
export function writeEventStream(file: string, totalBytes: number): { bytes: number; lines: number } {
  const fd = openSync(file, "w");
  let bytes = 0;
  let lines = 0;
  const write = (event: unknown) => {
    const line = `${JSON.stringify(event)}\n`;
    bytes += writeSync(fd, line);
    lines++;
  };
  const outputs = OUTPUT_SIZES.map((size, i) => outputText(size, i));
  try {
    write({ type: "thread.started", thread_id: "0199a213-81c0-7800-8aa1-bbab2a035a53" });
    write({ type: "turn.started" });
    for (let i = 0; bytes < totalBytes; i++) {
      const id = `item_${i}`;
      const command = `bash -lc 'cat logs/part-${i}.log'`;
      write({
        type: "item.updated",
        item: { id: `r_${i}`, type: "reasoning", text: `Reading part ${i} of the logs.` },
      });
      write({
        type: "item.started",
        item: {
          id,
          type: "command_execution",
          command,
          aggregated_output: "",
          exit_code: null,
          status: "in_progress",
        },
      });
      const aggregated_output = outputs[i % outputs.length]!;
      write({
        type: "item.completed",
        item: {
          id,
          type: "command_execution",
          command,
          aggregated_output,
          exit_code: 0,
          status: "completed",
        },
      });
    }
    write({
      type: "item.completed",
      item: { id: "item_final", type: "agent_message", text: "Read every part." },
    });
    write({
      type: "turn.completed",
      usage: { input_tokens: 1000, cached_input_tokens: 0, output_tokens: 10, reasoning_output_tokens: 0 },
    });
  } finally {
    closeSync(fd);
  }
  return { bytes, lines };
}
