// `npm run chaos`: the full chaos suite (test/chaos/scenarios.ts); prints its counts, exits 1 unless all are 0.

import { FULL } from "./scenarios.ts";
import { formatReport, runChaos } from "./suite.ts";

const lanes = Number(process.env.CHAOS_LANES ?? 2);
const report = await runChaos(FULL, lanes);
process.stdout.write(`${formatReport(report)}\n`);
process.exitCode = Object.values(report.counts).every((n) => n === 0) && report.notes.length === 0 ? 0 : 1;
