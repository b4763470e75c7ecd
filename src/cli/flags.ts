/**
 * The library names its options in backticks (`workers`, `maxTokens`); the CLI says the flag that
 * sets each one. Names the table does not know stay as they are.
 */
const FLAG_OF: Record<string, string> = {
  answers: "--answers",
  backend: "--backend",
  concurrency: "--concurrency",
  context: "--context",
  copyFiles: "--copy",
  goal: "--goal",
  idField: "--id",
  lenses: "--lenses",
  maxTokens: "--max-tokens",
  out: "--out",
  outputSchema: "--output-schema",
  pattern: "--pattern",
  prompt: "--prompt",
  queue: "--queue",
  rehearse: "--rehearse",
  resolveConflicts: "--resolve-conflicts",
  retries: "--retries",
  sections: "--sections",
  setupCommand: "--setup",
  tasks: "--tasks",
  timeoutMs: "--timeout",
  verifyCommand: "--verify",
  workers: "--workers",
  write: "--write",
  writers: "--writers",
};

/** A library message as the CLI prints it: "`maxTokens` must be …" → "--max-tokens must be …". */
export function withFlags(message: string): string {
  return message.replace(/`([A-Za-z]+)`/g, (quoted, name: string) =>
    Object.hasOwn(FLAG_OF, name) ? FLAG_OF[name]! : quoted,
  );
}
