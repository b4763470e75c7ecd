import { execFileSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const DEPCRUISE = fileURLToPath(new URL("../node_modules/.bin/depcruise", import.meta.url));

describe("the layer rules (.dependency-cruiser.cjs, docs/architecture.md)", () => {
  it("src/ has no import cycle and no dependency that points up a layer", () => {
    const out = execFileSync(
      DEPCRUISE,
      ["src", "--config", ".dependency-cruiser.cjs", "--output-type", "err"],
      {
        cwd: ROOT,
        encoding: "utf8",
      },
    );
    expect(out).toMatch(/no dependency violations found/);
  }, 60_000);
});
