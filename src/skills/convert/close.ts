import { collectText, FOREGROUND_TIMEOUT_MS } from "./emit.ts";
import { type ConversionState, freshName, type TrackedAgent } from "./state.ts";

/**
 * Every agent is closed right after the last statement that uses it. Background agents nobody
 * waited on are waited first, together when they share that statement (one batch, not one wait
 * each). A background spawn inside a loop that nothing waits for is collected after the loop:
 * every id goes into an array, one batch wait follows the loop, then every agent is closed —
 * never wait-and-close on each pass, which would serialise the loop.
 */
export function closeTrackedAgents(state: ConversionState): void {
  const byEdit = new Map<object, TrackedAgent[]>();
  for (const agent of state.agents.values()) {
    if (!agent.waited && state.collectedElsewhere) {
      state.notes.push(
        `${agent.where.file}:${agent.where.line}: ${agent.idVar} is left open for the TaskOutput wait that collects it under another name (closed after that wait)`,
      );
      continue;
    }
    if (!agent.waited && agent.loop && !agent.isArray) {
      collectAfterLoop(agent, agent.loop, state);
      continue;
    }
    const group = byEdit.get(agent.lastUse.edit) ?? [];
    group.push(agent);
    byEdit.set(agent.lastUse.edit, group);
  }
  for (const group of byEdit.values()) {
    const { edit } = group[0]!.lastUse;
    const indent = edit.indent ?? "";
    const lines: string[] = [];
    const unwaited = group.filter((a) => !a.waited);
    if (unwaited.length > 0) {
      const ids = unwaited.map((a) => (a.isArray ? `...${a.idVar}` : a.idVar)).join(", ");
      const name = `${unwaited[0]!.idVar}Batch`;
      lines.push(`const ${name} = [${ids}]`, collectText(name, name, FOREGROUND_TIMEOUT_MS));
    }
    for (const agent of group) {
      lines.push(
        agent.isArray
          ? `${agent.idVar}.forEach((id) => close_agent({ target: id }))`
          : `close_agent({ target: ${agent.idVar} })`,
      );
    }
    edit.text += `\n${indent}${lines.join("\n").replace(/\n/g, `\n${indent}`)}`;
  }
}

function collectAfterLoop(
  agent: TrackedAgent,
  loop: { start: number; end: number; indent: string },
  state: ConversionState,
): void {
  const { edit } = agent.lastUse;
  const ids = freshName(state, `${agent.idVar}Ids`);
  const outer = loop.indent;
  edit.text += `\n${edit.indent ?? ""}${ids}.push(${agent.idVar})`;
  agent.blockEdits.push(
    {
      start: loop.start,
      end: loop.start,
      text: `${outer}const ${ids} = []\n`,
      what: "ids of the agents the loop spawns",
    },
    {
      start: loop.end,
      end: loop.end,
      text: `\n${outer}${collectText(ids, ids, FOREGROUND_TIMEOUT_MS).replace(/\n/g, `\n${outer}`)}\n${outer}${ids}.forEach((id) => close_agent({ target: id }))`,
      what: "one batch wait after the loop, then every agent closed",
    },
  );
}
