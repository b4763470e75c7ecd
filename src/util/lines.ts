import { StringDecoder } from "node:string_decoder";

/** Splits a byte stream into lines without holding more than one partial line in memory. */
export function lineSplitter(onLine: (line: string) => void): { push(chunk: Buffer): void; end(): void } {
  const decoder = new StringDecoder("utf8");
  let partial = "";
  const emit = (text: string) => {
    let start = 0;
    for (let nl = text.indexOf("\n"); nl !== -1; nl = text.indexOf("\n", start)) {
      onLine(partial + text.slice(start, nl));
      partial = "";
      start = nl + 1;
    }
    partial += text.slice(start);
  };
  return {
    push: (chunk) => emit(decoder.write(chunk)),
    end() {
      emit(decoder.end());
      if (partial !== "") onLine(partial);
      partial = "";
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
