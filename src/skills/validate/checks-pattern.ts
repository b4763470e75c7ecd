import { MAX_WAIT_MS, MIN_WAIT_MS } from "../config/schema.ts";
import { outputSectionsIn } from "../render/structured-output.ts";
import { checksTimedOut, fileOf, isClosed, isWaited, laterCallsOn, parallelGroups } from "./agent-flow.ts";
import { at, type Check, type CheckContext, type CheckResult, fail, listed, pass } from "./check-types.ts";
import { agentTypeOf } from "./checks-structural.ts";
import { entryValue, messageText } from "./code-analysis.ts";

const ROLE_HEADING = /(^|\\n|\n)\s*#{1,6}\s*(Core Capabilities|Key Reminders|Execution Process)\b/;

/** Spawns whose message carries role text instead of referring to the role. */
export function inlineRoleText(ctx: CheckContext): CheckResult {
  const offenders: string[] = [];
  for (const spawn of ctx.spawns) {
    const text = messageText(fileOf(ctx, spawn), spawn) ?? "";
    if (ROLE_HEADING.test(text) || sharesRoleLines(ctx, text)) offenders.push(at(spawn));
  }
  return offenders.length === 0
    ? pass("no spawn message carries role text")
    : fail(
        "spawn messages paste role text (role headings or lines of a role file); refer to the role instead",
        offenders,
      );
}

function sharesRoleLines(ctx: CheckContext, message: string): boolean {
  const lines = message
    .split(/\\n|\n/)
    .map((l) => l.trim())
    .filter((l) => l.length >= 25);
  for (const role of ctx.pkg.roles) {
    const roleLines = new Set(
      role.instructions
        .split("\n")
        .map((l) => l.trim())
        .filter((l) => l.length >= 25),
    );
    let run = 0;
    for (const line of lines) {
      run = roleLines.has(line) ? run + 1 : 0;
      if (run >= 3) return true;
    }
  }
  return false;
}

function roleReference(ctx: CheckContext): CheckResult {
  const problems: string[] = [];
  for (const spawn of ctx.spawns) {
    const type = agentTypeOf(spawn);
    const text = messageText(fileOf(ctx, spawn), spawn) ?? "";
    const section = text.match(/Role:\s*([a-z0-9-]+)/)?.[1];
    if (type && type !== "default" && ctx.knownRoles.has(type)) continue;
    if (section && ctx.pkg.roles.some((r) => r.name === section && r.source === "section")) continue;
    problems.push(
      type === undefined
        ? `${at(spawn)} has no agent_type (it would fork the orchestrator instead of loading a role)`
        : `${at(spawn)} uses agent_type ${type}, which is no role of the package and no built-in`,
    );
  }
  const inline = inlineRoleText(ctx);
  if (!inline.pass) return inline;
  return problems.length === 0
    ? pass(`${ctx.spawns.length} spawn(s), each loads its role by reference`)
    : fail(
        listed(problems, 3),
        problems.map((p) => p.split(" ")[0]!),
      );
}

/** Pattern checks (40 points). */
export const PATTERN_CHECKS: Check[] = [
  {
    id: "spawn-close-balance",
    category: "pattern",
    points: 6,
    title: "every spawn_agent is closed with close_agent",
    run: (ctx) => {
      const open = ctx.spawns.filter((s) => !isClosed(ctx, s));
      return open.length === 0
        ? pass(`${ctx.spawns.length} spawn(s), ${ctx.closes.length} close(s), every spawned id closed`)
        : fail(
            `spawned agents never closed: ${listed(open.map((s) => s.binding?.name ?? "(id not kept)"))}`,
            open.map(at),
          );
    },
  },
  {
    id: "role-by-reference",
    category: "pattern",
    points: 6,
    title: "roles loaded by reference, not inline",
    run: roleReference,
  },
  {
    id: "wait-for-results",
    category: "pattern",
    points: 5,
    title: "results read from wait_agent, never from close_agent",
    run: (ctx) => {
      const usedClose = ctx.closes.filter((c) => c.binding);
      if (usedClose.length > 0)
        return fail("the result of close_agent is used; read results from wait_agent", usedClose.map(at));
      const unwaited = ctx.spawns.filter((s) => !isWaited(ctx, s));
      return unwaited.length === 0
        ? pass(`every spawned agent is waited on with wait_agent`)
        : fail(
            `spawned agents never waited on: ${listed(unwaited.map((s) => s.binding?.name ?? "(id not kept)"))}`,
            unwaited.map(at),
          );
    },
  },
  {
    id: "batch-wait",
    category: "pattern",
    points: 5,
    title: "parallel agents collected with one batch wait",
    run: (ctx) => {
      const groups = parallelGroups(ctx);
      if (groups.length === 0) return pass("no parallel spawns");
      const sequential = groups.filter((group) => {
        const waits = laterCallsOn(ctx, group[0]!, ctx.waits);
        return !waits.some((w) => group.every((s) => laterCallsOn(ctx, s, [w]).length > 0));
      });
      return sequential.length === 0
        ? pass(`${groups.length} parallel group(s), each collected by a batch wait_agent`)
        : fail(
            "agents spawned together are not waited on together (one wait_agent over all their ids)",
            sequential.map((g) => at(g[0]!)),
          );
    },
  },
  {
    id: "wait-timeout",
    category: "pattern",
    points: 4,
    title: "timeout_ms on every wait",
    run: (ctx) => {
      const bad = ctx.waits.filter((w) => {
        const value = entryValue(w, "timeout_ms")?.trim();
        if (value === undefined) return true;
        const n = Number(value.replace(/_/g, ""));
        return Number.isFinite(n) && (n < MIN_WAIT_MS || n > MAX_WAIT_MS);
      });
      return bad.length === 0
        ? pass(`${ctx.waits.length} wait(s), all with timeout_ms`)
        : fail(
            `waits without timeout_ms (or outside Codex's ${MIN_WAIT_MS}–${MAX_WAIT_MS} ms range)`,
            bad.map(at),
          );
    },
  },
  {
    id: "timed-out-handled",
    category: "pattern",
    points: 4,
    title: "timed_out checked after every wait",
    run: (ctx) => {
      const bad = ctx.waits.filter((w) => !checksTimedOut(ctx, w));
      return bad.length === 0
        ? pass(`every wait's result is checked for timed_out`)
        : fail("waits whose result is not kept and checked for .timed_out", bad.map(at));
    },
  },
  {
    id: "structured-output",
    category: "pattern",
    points: 5,
    title: "structured output required of every agent",
    run: (ctx) => {
      const bad: string[] = [];
      for (const spawn of ctx.spawns) {
        const type = agentTypeOf(spawn);
        const text = messageText(fileOf(ctx, spawn), spawn) ?? "";
        const sectionRef = text.match(/Role:\s*([a-z0-9-]+)/)?.[1];
        const role = ctx.pkg.roles.find((r) => r.name === type || r.name === sectionRef);
        if (
          outputSectionsIn(role?.instructions ?? "") >= 3 ||
          outputSectionsIn(text.replace(/,\s*/g, "\n")) >= 3
        )
          continue;
        bad.push(at(spawn));
      }
      for (const role of ctx.pkg.roles) {
        if (outputSectionsIn(role.instructions) < 3) bad.push(`${role.file}:${role.line}`);
      }
      return bad.length === 0
        ? pass(
            "every agent is told to answer in the Summary/Findings/Proposed changes/Tests/Open questions format",
          )
        : fail(
            "agents not required to use the structured output (Summary, Findings, Proposed changes, Tests, Open questions)",
            bad,
          );
    },
  },
  {
    id: "no-claude-constructs",
    category: "pattern",
    points: 5,
    title: "no Claude-only construct left (Task, TaskOutput, resume:, …)",
    run: (ctx) =>
      ctx.constructs.length === 0
        ? pass("no Claude-only construct found")
        : fail(
            `Claude-only constructs left: ${listed([...new Set(ctx.constructs.map((c) => c.construct))])}`,
            ctx.constructs.map((c) => `${c.file}:${c.line} ${c.construct} → ${c.hint}`),
          ),
  },
];
