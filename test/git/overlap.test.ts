import { describe, expect, it } from "vitest";
import { entriesOverlap, scheduleWriters, scopesOverlap } from "../../src/git/overlap.ts";

describe("overlap prediction", () => {
  it.each([
    ["src/a.ts", "src/a.ts", true],
    ["src/a.ts", "src/b.ts", false],
    ["src", "src/core/pool.ts", true],
    ["src/core/", "./src/core/pool.ts", true],
    ["src/a", "src/ab", false],
    ["src/a", "src/a/b/c.ts", true],
    ["docs/*.md", "docs/api.md", true],
    ["docs/*.md", "docs/api.ts", false],
    ["docs/*.md", "docs", true],
    ["*.md", "docs/api.md", false],
    ["src/**/test_*.ts", "src/core/deep/test_pool.ts", true],
    ["src/**/test_*.ts", "lib/test_pool.ts", false],
    // A path might be a directory, so it also covers what could lie under it: this errs towards serialising.
    ["src/**/test_*.ts", "src/core/pool.ts", true],
    ["src/**", "lib/x.ts", false],
    ["a*", "*b", true],
    ["*.md", "*.ts", false],
    ["file?.txt", "file1.txt", true],
    [".", "anything/at/all", true],
  ])("%s vs %s → %s", (a, b, expected) => {
    expect(entriesOverlap(a, b)).toBe(expected);
    expect(entriesOverlap(b, a)).toBe(expected);
  });

  it("a writer without a scope overlaps every writer", () => {
    expect(scopesOverlap(undefined, ["src"])).toBe(true);
    expect(scopesOverlap([], ["src"])).toBe(true);
    expect(scopesOverlap(["src/a", "docs"], ["lib", "docs/x.md"])).toBe(true);
    expect(scopesOverlap(["src/a", "docs"], ["lib", "src/b"])).toBe(false);
  });

  it("runs disjoint writers in one wave and puts an overlapping writer after the ones it overlaps", () => {
    const s = scheduleWriters([["src/a"], ["src/b"], ["src/a/x.ts"], ["docs"], ["src"]]);
    expect(s.waves).toEqual([[0, 1, 3], [2], [4]]);
    expect(s.overlaps).toEqual([
      [0, 2],
      [0, 4],
      [1, 4],
      [2, 4],
    ]);
    expect(scheduleWriters([["a"], ["b"], ["c"]]).waves).toEqual([[0, 1, 2]]);
    expect(scheduleWriters([undefined, ["b"]]).waves).toEqual([[0], [1]]);
  });
});
