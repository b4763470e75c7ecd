// Entry of a measurement child: node child-main.ts <module> <export>, input as JSON in $BENCH_INPUT.
// Prints one result line (marked) on stdout and exits, whatever handles are still open.
import { pathToFileURL } from "node:url";
import { RESULT_MARK } from "./child.ts";

const [modulePath, exportName] = process.argv.slice(2);
const mod = (await import(pathToFileURL(modulePath!).href)) as Record<
  string,
  (input: unknown) => Promise<object>
>;
const fn = mod[exportName!];
if (typeof fn !== "function") throw new Error(`${modulePath} has no export ${exportName}`);
const result = await fn(JSON.parse(process.env.BENCH_INPUT ?? "null"));
const usage = process.resourceUsage();
const stats = {
  peakRssMb: (usage.maxRSS * 1024) / 1e6,
  cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000,
};
process.stdout.write(`${RESULT_MARK}${JSON.stringify({ ...result, ...stats })}\n`, () => process.exit(0));
