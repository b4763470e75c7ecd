import { z } from "zod";

/** What happened to one writer's branch; `RunResult.merges` holds one per writer, the journal a `merge.ended` line. */
export const MergeOutcomeSchema = z.object({
  agentId: z.string(),
  label: z.string(),
  branch: z.string(),
  merged: z.boolean(),
  /** The branch still exists, with the writer's work committed on it: unmerged work is never deleted. */
  kept: z.boolean(),
  reason: z.string().optional(),
  /** Files that conflicted when the branch was rebased on the target. */
  conflictFiles: z.array(z.string()).optional(),
  /** The writer's changes (`git format-patch` against the fork point), saved in the run record. */
  patch: z.string().optional(),
  /** The target's commit after the merge. */
  commit: z.string().optional(),
  /** The resolver agent that resolved the conflicts. */
  resolvedBy: z.string().optional(),
});
export type MergeOutcome = z.infer<typeof MergeOutcomeSchema>;

// The parallel writers' events; each is a journal line as it is (src/store/journal-schema.ts).

export const MergeScheduledEventSchema = z.object({
  type: z.literal("merge.scheduled"),
  /** Writer labels, wave by wave (writers with overlapping scopes are in different waves). */
  waves: z.array(z.array(z.string())),
  overlaps: z.array(z.tuple([z.string(), z.string()])),
});

export const MergePreparedEventSchema = z.object({
  type: z.literal("merge.prepared"),
  agentId: z.string(),
  branch: z.string(),
  path: z.string(),
  base: z.string(),
});

export const MergeConflictEventSchema = z.object({
  type: z.literal("merge.conflict"),
  agentId: z.string(),
  branch: z.string(),
  files: z.array(z.string()),
  resolver: z.boolean(),
});

export const MergeVerifyEventSchema = z.object({
  type: z.literal("merge.verify"),
  agentId: z.string(),
  command: z.string(),
  passed: z.boolean(),
  exitCode: z.number().nullable(),
});

export const MergeEndedEventSchema = MergeOutcomeSchema.extend({ type: z.literal("merge.ended") });

/** What the merge queue reports while it works (`MergeQueueOptions.onEvent`). */
export const MergeEventSchema = z.discriminatedUnion("type", [
  MergeConflictEventSchema,
  MergeVerifyEventSchema,
  MergeEndedEventSchema,
]);
export type MergeEvent = z.infer<typeof MergeEventSchema>;
