import { handleSignals } from "../core/process/signals.ts";
import { type BatonMcpOptions, createBatonMcpServer } from "./server.ts";
import { LineTransport } from "./transport.ts";

export interface StdioOptions extends BatonMcpOptions {
  /** Longest message accepted from the client; default 10 MiB. */
  maxMessageBytes?: number;
}

/**
 * Serves on stdin/stdout until the client goes away (stdin ends) — then every agent is closed, the
 * record ended, and the promise resolves with the reason. SIGINT/SIGTERM kill every worker at once and exit 0.
 */
export async function serveStdio(options: StdioOptions = {}): Promise<string> {
  // A stray console.log would corrupt the protocol stream.
  console.log = console.info = console.debug = console.error;
  const log = options.log ?? ((line: string) => process.stderr.write(`baton mcp: ${line}\n`));
  const mcp = createBatonMcpServer({ ...options, log });

  const removeSignalHandlers = handleSignals({
    killAll: (signal) => {
      log(`${signal}: killing every worker`);
      mcp.pool.supervisor.killAll();
      mcp.record.end("completed", { code: "E_INTERRUPTED", message: `ended by ${signal}` });
    },
    exitCode: () => 0,
  });

  let resolveGone!: (reason: string) => void;
  const gone = new Promise<string>((resolve) => {
    resolveGone = resolve;
  });
  process.stdin.once("end", () => resolveGone("the client closed stdin"));
  process.stdin.once("close", () => resolveGone("stdin closed"));
  process.stdin.once("error", (error) => resolveGone(`stdin failed: ${error.message}`));
  process.stdout.once("error", (error) => resolveGone(`stdout failed: ${error.message}`));
  mcp.server.onclose = () => resolveGone("the connection closed");

  const transport = new LineTransport(process.stdin, process.stdout, {
    maxMessageBytes: options.maxMessageBytes,
    log,
  });
  await mcp.server.connect(transport);
  log(`serving on stdio (pid ${process.pid}); recording in ${mcp.record.recorder.dir}`);
  const reason = await gone;
  log(`${reason}: closing every agent`);
  const bounded = new Promise<void>((resolve) => setTimeout(resolve, 10_000).unref());
  await Promise.race([mcp.close(), bounded]);
  mcp.pool.supervisor.killAll();
  removeSignalHandlers();
  return reason;
}
