import { execFile } from "node:child_process";
import type { Command } from "commander";
import { runsDir } from "../../store/paths.ts";
import { startUiServer } from "../../ui/server/server.ts";
import { parseWhole } from "../parse.ts";

/** Opens the address in the desktop's browser; says so when there is none, never fails the server. */
function openInBrowser(url: string): void {
  execFile("xdg-open", [url], { timeout: 10_000 }, (error) => {
    if (!error) return;
    const why =
      (error as NodeJS.ErrnoException).code === "ENOENT"
        ? "xdg-open is not installed"
        : "xdg-open found none";
    process.stderr.write(`baton ui: could not open a browser (${why}); open the address above yourself\n`);
  }).unref();
}

export function registerUi(program: Command): void {
  program
    .command("ui")
    .summary("a read-only local web view of the runs here, live while they run")
    .description(
      "Serve the runs in this directory ($BATON_HOME or ./.baton) on 127.0.0.1: a list of runs, each run's report with its timeline, updated live over server-sent events while the run goes on, and each worker's event stream. Read-only; no external assets. The printed address carries a random access token: requests without it get 401. Stops on Ctrl-C.",
    )
    .option("--port <n>", "port on 127.0.0.1 (default: any free port)", parseWhole("--port", 0, 65_535))
    .option("--open", "open the address in the desktop's browser (xdg-open)")
    .option("--json", 'print one JSON line {"url","port","token"} once listening, instead of the text line')
    .addHelpText(
      "after",
      '\nExamples:\n  $ baton ui                 # prints http://127.0.0.1:PORT/?token=…\n  $ baton ui --port 8787 --open\n  $ baton run --rehearse "Review src/" --pattern review & baton ui --open   # watch it live',
    )
    .action(async (flags: { port?: number; open?: boolean; json?: boolean }) => {
      const ui = await startUiServer({ port: flags.port });
      if (flags.json)
        process.stdout.write(`${JSON.stringify({ url: ui.url, port: ui.port, token: ui.token })}\n`);
      else process.stdout.write(`baton ui: ${ui.url}\n  serving ${runsDir()} read-only; Ctrl-C to stop\n`);
      if (flags.open) openInBrowser(ui.url);
      await new Promise<void>((resolve) => {
        const stop = () => {
          process.off("SIGINT", stop);
          process.off("SIGTERM", stop);
          void ui.close().then(resolve);
        };
        process.on("SIGINT", stop);
        process.on("SIGTERM", stop);
      });
      if (!flags.json) process.stderr.write("baton ui: stopped\n");
    });
}
