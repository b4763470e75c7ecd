import { expect, it } from "vitest";
import { zeroCounts } from "./harness.ts";
import { SHORT } from "./scenarios.ts";
import { formatReport, runChaos } from "./suite.ts";

// The short form of `npm run chaos`: each scenario once, two lanes at a time.
it("chaos (short form): kills, torn journals, double resumes, a full disk, closed pipes and Ctrl-C leave all counts at 0", async () => {
  const report = await runChaos(SHORT, 3);
  process.stdout.write(`${formatReport(report)}\n`);
  expect(report.notes).toEqual([]);
  expect(report.counts).toEqual(zeroCounts());
}, 120_000);
