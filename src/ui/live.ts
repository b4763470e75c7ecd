import type { RunView } from "../run/view.ts";
import { renderView, type Style, styleFor } from "./render.ts";

export interface LiveView {
  update(view: RunView): void;
  /** Stops redrawing while something else uses the terminal (a question to the user). */
  pause(paused: boolean): void;
  stop(view: RunView): void;
}

/**
 * On a terminal: the view redrawn in place (at most 10 times a second). Elsewhere: one plain line per
 * change of a plan step or of an agent's status, so logs stay readable.
 */
export function liveView(stream: NodeJS.WriteStream = process.stderr): LiveView {
  const style = styleFor(stream);
  return stream.isTTY ? redrawing(stream, style) : lineByLine(stream);
}

function redrawing(stream: NodeJS.WriteStream, style: Style): LiveView {
  let drawn = 0;
  let latest: RunView | undefined;
  let paused = false;
  const draw = () => {
    if (!latest || paused) return;
    const text = renderView(latest, Date.now(), style, stream.columns ?? 100);
    const clear = drawn > 0 ? `\u001b[${drawn}F\u001b[0J` : "";
    stream.write(`${clear}${text}\n`);
    drawn = text.split("\n").length;
  };
  const timer = setInterval(draw, 100);
  timer.unref();
  return {
    update(view) {
      latest = view;
    },
    pause(value) {
      paused = value;
      if (value) drawn = 0; // the question's lines stay; the next draw starts below them
    },
    stop(view) {
      clearInterval(timer);
      latest = view;
      paused = false;
      draw();
    },
  };
}

function lineByLine(stream: NodeJS.WriteStream): LiveView {
  const seen = new Map<string, string>();
  const emit = (key: string, value: string, line: string) => {
    if (seen.get(key) === value) return;
    seen.set(key, value);
    stream.write(`${line}\n`);
  };
  const update = (view: RunView) => {
    for (const s of view.plan?.plan ?? [])
      if (s.status === "in_progress") emit("step", s.step, `[plan] ${s.step}`);
    for (const a of view.agents) {
      const state =
        a.endReason && a.status !== "running" && a.status !== "pending_init" ? a.endReason : a.status;
      emit(
        a.id,
        state,
        `[${a.id}] ${a.role} "${a.label}": ${state}${a.error && state !== "completed" && state !== "closed" ? ` — ${a.error}` : ""}`,
      );
    }
  };
  return {
    update,
    pause() {},
    stop(view) {
      update(view);
      emit("run", view.status, `[run] ${view.runId}: ${view.status}`);
    },
  };
}
