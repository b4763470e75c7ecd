import type { z } from "zod";
import type { MapProgressSchema } from "../run/view.ts";
import { formatDurationMs } from "../util/duration.ts";
import type { MapResult } from "./results.ts";

/** Where a map stands: what the progress bar draws and the map's run view holds. */
export type MapProgress = z.infer<typeof MapProgressSchema>;

export interface ProgressView {
  update(progress: MapProgress): void;
  item(row: MapResult, progress: MapProgress): void;
  stop(progress: MapProgress): void;
}

/** Time left, from this session's pace; undefined until one item finished. */
export function etaMs(p: MapProgress, now: number): number | undefined {
  const finishedHere = p.done - p.skipped;
  if (finishedHere <= 0) return undefined;
  return ((now - p.startedAt) / finishedHere) * (p.total - p.done);
}

export function progressLine(p: MapProgress, now: number, width = 24): string {
  const filled = p.total === 0 ? width : Math.round((p.done / p.total) * width);
  const eta = etaMs(p, now);
  return (
    `[${"#".repeat(filled)}${".".repeat(width - filled)}] ${p.done}/${p.total} done · ${p.failed} failed · ` +
    `${p.running} running · ${eta === undefined ? "ETA –" : `ETA ${formatDurationMs(eta)}`}`
  );
}

/**
 * On a terminal: one bar redrawn in place (done, failed, running, ETA). Elsewhere: one plain line per
 * finished item, so logs stay readable.
 */
export function progressView(stream: NodeJS.WriteStream = process.stderr): ProgressView {
  if (!stream.isTTY) {
    return {
      update() {},
      item(row, p) {
        const why = row.status === "failed" ? ` — ${row.error ?? row.endReason ?? "failed"}` : "";
        stream.write(`[map] ${p.done}/${p.total} item ${row.id}: ${row.status}${why}\n`);
      },
      stop(p) {
        stream.write(`[map] ${p.done}/${p.total} done, ${p.failed} failed\n`);
      },
    };
  }
  let latest: MapProgress | undefined;
  const draw = () => {
    if (latest) stream.write(`\r\u001b[2K${progressLine(latest, Date.now())}`);
  };
  const timer = setInterval(draw, 200);
  timer.unref();
  return {
    update(p) {
      latest = p;
    },
    item(row, p) {
      latest = p;
      if (row.status === "failed")
        stream.write(`\r\u001b[2Kfailed: item ${row.id} — ${row.error ?? row.endReason}\n`);
    },
    stop(p) {
      clearInterval(timer);
      latest = p;
      draw();
      stream.write("\n");
    },
  };
}
