/**
 * Splits a byte stream into lines. Line ends are found in the bytes (0x0A never occurs inside a
 * UTF-8 sequence) and each line is decoded once, so a chatty worker produces no intermediate
 * strings; at most one partial line is held.
 */
export function lineSplitter(onLine: (line: string) => void): { push(chunk: Buffer): void; end(): void } {
  let pending: Buffer[] = [];
  const take = (last: Buffer): string => {
    if (pending.length === 0) return last.toString("utf8");
    const whole = Buffer.concat([...pending, last]).toString("utf8");
    pending = [];
    return whole;
  };
  return {
    push(chunk) {
      let start = 0;
      for (let nl = chunk.indexOf(0x0a); nl !== -1; nl = chunk.indexOf(0x0a, start)) {
        onLine(take(chunk.subarray(start, nl)));
        start = nl + 1;
      }
      if (start < chunk.length) pending.push(chunk.subarray(start));
    },
    end() {
      if (pending.length > 0) onLine(take(Buffer.alloc(0)));
    },
  };
}

/** Keeps the last `maxChars` characters written to it. */
export function tailBuffer(maxChars: number): { push(text: string): void; text(): string } {
  let buffer = "";
  return {
    push(text) {
      buffer = (buffer + text).slice(-maxChars);
    },
    text: () => buffer,
  };
}
