import { appendFileSync, writeFileSync } from "node:fs";
import type { Command } from "commander";
import { BatonError } from "../../errors.ts";
import {
  codexConfigArgs,
  codexConfigToml,
  LOCAL_API_KEY_ENV,
  SCRIPTED_MODEL,
} from "../../model-server/codex-config.ts";
import { loadScript } from "../../model-server/script.ts";
import { type RecordedRequest, startModelServer } from "../../model-server/server.ts";
import { formatDurationMs, parseDurationMs } from "../../util/duration.ts";

interface Flags {
  script: string;
  port: string;
  idleTimeout: string;
  log?: string;
  json?: boolean;
}

const HELP = `
Serves the OpenAI Responses API on 127.0.0.1 from a script of rules, so the real codex CLI runs
offline: rehearse a workflow in CI, or test baton, without spending tokens. Rules are tried in order;
the first whose conditions hold answers (see docs/model-server.md for the format).

Example script (review.yaml):
  rules:
    - match: "review"            # substring or /regex/flags of the prompt
      steps:                     # step k answers after k rounds of tool output
        - shell: "git diff --stat"
        - reply: "LGTM"
    - match: "/^summari[sz]e/i"
      json: { summary: "short", risks: [] }
  default: { reply: "ok" }

Example:
  $ baton model-server --script review.yaml --log requests.jsonl
  $ baton model-server --script review.yaml --port 0 --json   # prints {"url":…,"port":…} when ready

It prints the codex -c flags and the config.toml lines that point codex at it. It stops on Ctrl-C,
SIGTERM or after --idle-timeout without requests (exit 0 in all three cases).`;

function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`;
}

function parsePort(text: string): number {
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65_535) {
    throw new BatonError(
      "E_USAGE",
      `--port must be a whole number from 0 to 65535 (0 = any free port), got "${text}"`,
    );
  }
  return port;
}

function logLine(request: RecordedRequest): string {
  const { body: _body, ...rest } = request;
  return `${JSON.stringify(rest)}\n`;
}

function summarize(request: RecordedRequest, number: number): string {
  const rule = request.rule === "default" ? "default" : `rule ${request.rule}`;
  const prompt =
    request.lastUserText.length > 60 ? `${request.lastUserText.slice(0, 57)}...` : request.lastUserText;
  return `#${number} ${rule} step ${request.step}: ${request.action} (HTTP ${request.status || "-"}) for ${JSON.stringify(prompt)}`;
}

export function registerModelServer(program: Command): void {
  program
    .command("model-server")
    .summary("serve a scripted model (OpenAI Responses API) so codex runs offline")
    .description("Serve a scripted model on 127.0.0.1 for offline codex runs, rehearsals and tests.")
    .requiredOption("--script <file>", "rules to answer with (YAML or JSON)")
    .option("--port <n>", "port on 127.0.0.1 (0 = any free port)", "0")
    .option("--idle-timeout <duration>", "stop after this long without requests (e.g. 30s, 10m)", "10m")
    .option("--log <file.jsonl>", "write one JSON line per request (overwritten at start)")
    .option("--json", "print one JSON line {url, port, codexArgs} when ready, nothing else on stdout")
    .addHelpText("after", HELP)
    .action(async (flags: Flags) => {
      const port = parsePort(flags.port);
      const idleTimeoutMs = parseDurationMs(flags.idleTimeout, "--idle-timeout");
      const script = await loadScript(flags.script);
      if (flags.log) {
        try {
          writeFileSync(flags.log, "");
        } catch (error) {
          throw new BatonError("E_IO", `--log ${flags.log}: cannot write: ${(error as Error).message}`, {
            file: flags.log,
            cause: error,
          });
        }
      }

      let count = 0;
      const server = await startModelServer({
        script,
        port,
        idleTimeoutMs,
        onRequest: (request) => {
          count++;
          if (flags.log) appendFileSync(flags.log, logLine(request));
          if (!flags.json) process.stderr.write(`${summarize(request, count)}\n`);
          if (request.warning) process.stderr.write(`baton model-server: warning: ${request.warning}\n`);
        },
      });

      const codexArgs = codexConfigArgs({ baseUrl: server.url });
      if (flags.json) {
        process.stdout.write(`${JSON.stringify({ url: server.url, port: server.port, codexArgs })}\n`);
      } else {
        const flagsText = codexArgs
          .filter((_arg, i) => i % 2 === 1)
          .map((arg) => `-c ${shellQuote(arg)}`)
          .join(" \\\n    ");
        process.stdout.write(
          [
            `Scripted model "${SCRIPTED_MODEL}" (${script.rules.length} rules from ${flags.script}) at ${server.url}`,
            "",
            "Run codex against it with:",
            `  ${LOCAL_API_KEY_ENV}=unused codex exec \\\n    ${flagsText} \\\n    "your prompt"`,
            "",
            `or put this in $CODEX_HOME/config.toml (and export ${LOCAL_API_KEY_ENV}=unused):`,
            "",
            codexConfigToml({ baseUrl: server.url })
              .trimEnd()
              .replace(/^(?=.)/gm, "  "),
            "",
            `Stops on Ctrl-C or after ${formatDurationMs(idleTimeoutMs)} without requests.`,
            "",
          ].join("\n"),
        );
      }

      const stopOnSignal = (): void => void server.close();
      process.once("SIGINT", stopOnSignal);
      process.once("SIGTERM", stopOnSignal);
      const reason = await server.closed;
      process.off("SIGINT", stopOnSignal);
      process.off("SIGTERM", stopOnSignal);
      if (!flags.json) {
        process.stderr.write(
          `baton model-server: ${reason === "idle" ? `no request for ${formatDurationMs(idleTimeoutMs)}, ` : ""}stopped after ${count} requests\n`,
        );
      }
    });
}
