import { describe, expect, it } from "vitest";
import { lineSplitter } from "../../src/util/lines.ts";

describe("lineSplitter", () => {
  it("splits lines across chunks, including a multi-byte character cut in two", () => {
    const lines: string[] = [];
    const s = lineSplitter((l) => lines.push(l));
    const bytes = Buffer.from('{"a":"é"}\n{"b":2}\nlast', "utf8");
    const cut = bytes.indexOf(0xc3) + 1; // inside "é"
    s.push(bytes.subarray(0, cut));
    s.push(bytes.subarray(cut, cut + 5));
    s.push(bytes.subarray(cut + 5));
    s.end();
    expect(lines).toEqual(['{"a":"é"}', '{"b":2}', "last"]);
  });

  it("emits empty lines and nothing extra at the end", () => {
    const lines: string[] = [];
    const s = lineSplitter((l) => lines.push(l));
    s.push(Buffer.from("a\n\nb\n"));
    s.end();
    expect(lines).toEqual(["a", "", "b"]);
  });
});
