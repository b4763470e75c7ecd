import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { BatonError, isBatonError } from "../../errors.ts";
import { renderHtmlReport } from "../report-html/page.ts";
import { loadRunRecord } from "../report-html/record.ts";
import { checkAccess, isPlainId, newToken } from "./access.ts";
import { agentFeed, listFeed, runFeed } from "./feeds.ts";
import { agentPage, linksFor, renderRunList, runListPage } from "./pages.ts";
import { openSse } from "./sse.ts";

export interface UiServerOptions {
  /** Where the runs are (default: `$BATON_HOME` or `./.baton`). */
  home?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Default: a fresh random token. */
  token?: string;
  /** How often live pages look at the record (default 200 ms: a new event shows within about that). */
  pollMs?: number;
}

export interface UiServer {
  /** The address to open, token included. */
  url: string;
  port: number;
  token: string;
  /** Ends every open stream and stops listening. */
  close(): Promise<void>;
}

const HEADERS: Record<string, string> = {
  "X-Content-Type-Options": "nosniff",
  "Referrer-Policy": "no-referrer",
  "X-Frame-Options": "DENY",
  "Cache-Control": "no-store",
};

/**
 * `baton ui`: a read-only web view of the runs in a directory, on 127.0.0.1 only, behind a random
 * token. Run pages are the HTML report, kept current over server-sent events while the run goes on.
 *
 * @example
 * const ui = await startUiServer({ port: 0 });
 * console.log(ui.url); // http://127.0.0.1:41234/?token=…
 * await ui.close();
 */
export async function startUiServer(options: UiServerOptions = {}): Promise<UiServer> {
  const token = options.token ?? newToken();
  const pollMs = options.pollMs ?? 200;
  const home = options.home;
  const links = linksFor(token);
  const sockets = new Set<Socket>();
  let port = 0;

  const reply = (res: ServerResponse, status: number, type: string, body: string, extra = {}) => {
    res.writeHead(status, { ...HEADERS, "Content-Type": `${type}; charset=utf-8`, ...extra });
    res.end(body);
  };
  const route = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const refused = checkAccess(req, url, token, port);
    if (refused) return reply(res, refused.status, "text/plain", `${refused.text}\n`);
    const parts = url.pathname.split("/").filter(Boolean).map(decodeURIComponent);
    const html = (body: string) => reply(res, 200, "text/html", body);
    if (parts.length === 0) return html(runListPage(home, links));
    if (parts.length === 1 && parts[0] === "events")
      return void openSse(
        req,
        res,
        HEADERS,
        pollMs * 5,
        listFeed(home, () => renderRunList(home, links)),
      );
    const [top, runId, sub, agentId, leaf] = parts;
    if (top !== "runs" || !runId || !isPlainId(runId)) return notFound(res, url.pathname);
    const record = loadRunRecord(runId, home);
    const agentLinks = { stream: (id: string) => links.agent(runId, id) };
    if (parts.length === 2)
      return html(
        renderHtmlReport(record, {
          live: {
            eventsUrl: links.runEvents(runId),
            homeUrl: links.home(),
            links: agentLinks,
          },
        }),
      );
    if (parts.length === 3 && sub === "events")
      return void openSse(req, res, HEADERS, pollMs, runFeed(runId, home, agentLinks));
    if (parts.length === 3 && sub === "report.html")
      return reply(res, 200, "text/html", renderHtmlReport(record), {
        "Content-Disposition": `attachment; filename="baton-${runId}.html"`,
      });
    if (sub === "agents" && agentId && isPlainId(agentId)) {
      if (parts.length === 4) {
        const page = agentPage(record, agentId, home, links);
        return page ? html(page) : notFound(res, url.pathname);
      }
      if (parts.length === 5 && leaf === "events")
        return void openSse(req, res, HEADERS, pollMs, agentFeed(runId, agentId, home));
    }
    return notFound(res, url.pathname);
  };
  const notFound = (res: ServerResponse, path: string) =>
    reply(res, 404, "text/plain", `Nothing at ${path}. Start from the runs list (/?token=…).\n`);

  const server = createServer((req, res) => {
    try {
      route(req, res);
    } catch (error) {
      const status = isBatonError(error, "E_NOT_FOUND") ? 404 : error instanceof URIError ? 400 : 500;
      if (!res.headersSent) reply(res, status, "text/plain", `${(error as Error).message}\n`);
      else res.end();
    }
  });
  server.on("connection", (socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(
        new BatonError(
          error.code === "EADDRINUSE" ? "E_USAGE" : "E_IO",
          error.code === "EADDRINUSE"
            ? `port ${options.port} on 127.0.0.1 is in use; choose another with --port, or --port 0 for any free one`
            : `baton ui cannot listen on 127.0.0.1:${options.port ?? 0}: ${error.message}`,
        ),
      ),
    );
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const address = server.address();
  port = typeof address === "object" && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}${links.home()}`,
    port,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Live pages hold their streams open: end them, or close would wait for them forever.
        for (const socket of sockets) socket.destroy();
      }),
  };
}
