import { type CodexTransportChoice, chooseCodexTransport } from "../backends/codex-transport.ts";

/**
 * The backend a command runs on this machine for `--backend <name>`: `codex` becomes the app-server
 * or, when the codex found is another version than the one its protocol was written for, `codex exec`,
 * with a note on stderr saying so.
 */
export async function localTransport(name: string, who = "baton"): Promise<CodexTransportChoice> {
  const choice = await chooseCodexTransport(name);
  if (choice.note) process.stderr.write(`${who}: note: ${choice.note}\n`);
  return choice;
}
