import type { Change, Preserved, Unconverted } from "../validate/conversion-manifest.ts";

/** A text edit on one code block: replace [start, end) with `text`. */
export interface Edit {
  start: number;
  end: number;
  text: string;
  /** Indentation of the statement, for lines appended later. */
  indent?: string;
  /** What the edit converted, for the change record. */
  what?: string;
}

export interface TrackedAgent {
  /** The variable holding the Codex agent id. */
  idVar: string;
  role: string;
  /** Where the last statement using the agent ends: block index and edit. */
  lastUse: { block: number; edit: Edit };
  /** ids held in an array (spawned per item) are closed with forEach. */
  isArray: boolean;
  /** False for background spawns nobody waited on yet. */
  waited: boolean;
  /** The loop whose body holds the spawn (its id changes on every pass), as offsets in the block. */
  loop: { start: number; end: number; indent: string } | undefined;
  /** The edits of the spawn's code block, for lines added around its loop. */
  blockEdits: Edit[];
  /** Where it was spawned, for reports. */
  where: { file: string; line: number };
}

/** Everything learnt while converting one skill: roles used, agents to close, what was not converted. */
export interface ConversionState {
  /** role name → what the Claude calls said about it, and where it was first named. */
  roles: Map<string, { claudeType: string; descriptions: string[]; where: { file: string; line: number } }>;
  /** Agents of the file being converted, keyed by id variable. */
  agents: Map<string, TrackedAgent>;
  /** Expressions that stand for an agent id (`explore.agentId` → `exploreAgent`). */
  aliases: Map<string, string>;
  usedNames: Set<string>;
  unconverted: Unconverted[];
  notes: string[];
  preserved: Preserved[];
  /** file:line → timeout_ms of each converted wait, for the Lifecycle table. */
  waits: Array<{ where: string; role: string; timeoutMs: number }>;
  usesUserRequest: boolean;
  /** $SKILL_DIR (for ${CLAUDE_PLUGIN_ROOT}) and checklist() (for TodoWrite) are used and need defining. */
  usesSkillDir: boolean;
  usesChecklist: boolean;
  usesAsk: boolean;
  /** A TaskOutput in the file waits on an id under another name than its spawn's: background spawns are left open for it. */
  collectedElsewhere: boolean;
  /** Source lines rewritten, for the record and the unchanged-lines invariant. */
  changes: Change[];
  /** Claude tool names mentioned in prose, tables or quotes (kept as written, explained once). */
  mentions: Set<string>;
}

export function newConversionState(): ConversionState {
  return {
    roles: new Map(),
    agents: new Map(),
    aliases: new Map(),
    usedNames: new Set(),
    unconverted: [],
    notes: [],
    preserved: [],
    waits: [],
    usesUserRequest: false,
    usesSkillDir: false,
    usesChecklist: false,
    usesAsk: false,
    collectedElsewhere: false,
    changes: [],
    mentions: new Set(),
  };
}

/** A variable name not used yet in the file: base, base2, base3… */
export function freshName(state: ConversionState, base: string): string {
  let name = base;
  for (let n = 2; state.usedNames.has(name); n++) name = `${base}${n}`;
  state.usedNames.add(name);
  return name;
}

/** Applies edits (non-overlapping) to `text`. */
export function applyEdits(text: string, edits: readonly Edit[]): string {
  let out = text;
  for (const edit of [...edits].sort((a, b) => b.start - a.start)) {
    out = out.slice(0, edit.start) + edit.text + out.slice(edit.end);
  }
  return out;
}
