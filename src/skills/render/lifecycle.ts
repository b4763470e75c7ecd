/**
 * The lifecycle rules and error handling every orchestrator states, generated or converted: one text,
 * so the two kinds of package cannot drift apart.
 */
export const LIFECYCLE_RULES = `- Every \`spawn_agent\` is paired with a \`close_agent\`; \`close_agent\` is irreversible, so close only after the last \`wait_agent\`/\`send_input\`.
- Read results from \`wait_agent\` (\`status[id].completed\`), never from \`close_agent\`.
- \`wait_agent\` returns an empty status with \`timed_out: true\` when nothing finished in time: check it after every wait.
- Codex keeps at most 6 sub-agents open (\`agents.max_threads\`); completed agents count until closed.

Cleanup, on success, failure or interruption:
\`\`\`javascript
for (const id of openAgents) close_agent({ target: id }) // every id spawned and not yet closed
\`\`\``;

export function errorHandlingSection(): string {
  return `## Error Handling
| Scenario | Resolution |
|---|---|
| \`wait_agent\` times out (\`timed_out: true\`) | Close the agent, report the phase as timed out; in a fan-out go on if at least 70% completed |
| Agent replies \`CLARIFICATION_NEEDED\` | Answer with \`send_input\` on the same agent (do not close it), then wait again |
| Agent output misses the Output Format | \`send_input\` once asking for the format; then use what is there and say so |
| Agent errored or not_found | Record it under Findings, close it, continue with the remaining agents |
| Spawn refused (too many open agents) | Close finished agents first, then spawn again |
| User request empty or unclear | Ask the user directly before spawning anything |`;
}
