import { collectText, FOREGROUND_TIMEOUT_MS } from "./emit.ts";
import type { ConversionState, TrackedAgent } from "./state.ts";

/**
 * Every agent is closed right after the last statement that uses it. Background agents nobody
 * waited on are waited first, together when they share that statement (one batch, not one wait
 * each). A background spawn inside a loop that is never waited in the file cannot be closed safely
 * on each pass (that would serialise the loop), so it is reported instead.
 */
export function closeTrackedAgents(state: ConversionState): void {
  const byEdit = new Map<object, TrackedAgent[]>();
  for (const agent of state.agents.values()) {
    if (!agent.waited && agent.inLoop) {
      state.unconverted.push({
        ...agent.where,
        construct: "background spawn in a loop, never collected",
        text: `${agent.idVar} = spawn_agent(… agent_type "${agent.role}")`,
        hint: "collect the ids in an array, wait for them once after the loop (wait_agent), then close each",
      });
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
