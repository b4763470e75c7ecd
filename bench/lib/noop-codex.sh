#!/bin/sh
# A no-op stand-in for `codex exec --json …` (arguments ignored): the events of a finished turn, at
# once. With $BENCH_EXIT_STAMP set, its last act is printing the wall-clock time (ns) it exits at.
printf '%s\n' \
  '{"type":"thread.started","thread_id":"bench-noop"}' \
  '{"type":"turn.started"}' \
  '{"type":"item.completed","item":{"id":"item_0","type":"agent_message","text":"ok"}}' \
  '{"type":"turn.completed","usage":{"input_tokens":1,"cached_input_tokens":0,"output_tokens":1,"reasoning_output_tokens":0}}'
if [ -n "$BENCH_EXIT_STAMP" ]; then exec date '+{"type":"bench.exit","ns":"%s%N"}'; fi
