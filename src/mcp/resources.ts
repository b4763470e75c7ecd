import type { Server } from "@modelcontextprotocol/sdk/server/index.js";
import {
  ErrorCode,
  ListResourcesRequestSchema,
  ListResourceTemplatesRequestSchema,
  McpError,
  ReadResourceRequestSchema,
  SubscribeRequestSchema,
  UnsubscribeRequestSchema,
} from "@modelcontextprotocol/sdk/types.js";
import type { PoolEvent } from "../core/pool.ts";
import { isFinal } from "../core/status.ts";
import type { AgentBook } from "./agents.ts";
import { agentUri, agentView, AGENT_URI_PREFIX as PREFIX } from "./views.ts";

/**
 * Agents as MCP resources: `baton://agents/<id>` (its state as JSON, subscribable: a client is told when
 * the agent finishes or is closed) and `baton://agents/<id>/final` (its whole final message).
 */

const PAGE = 100;
/** The spec's "Resource not found" error code. */
const RESOURCE_NOT_FOUND = -32002;

function parseUri(uri: string): { id: string; final: boolean } | undefined {
  const match = /^baton:\/\/agents\/([A-Za-z0-9_.:-]+)(\/final)?$/.exec(uri);
  return match ? { id: match[1]!, final: match[2] !== undefined } : undefined;
}

export class AgentResources {
  readonly #server: Server;
  readonly #book: AgentBook;
  readonly #subscribed = new Set<string>();

  constructor(server: Server, book: AgentBook) {
    this.#server = server;
    this.#book = book;
    server.setRequestHandler(ListResourcesRequestSchema, (request) => {
      const start = Number(request.params?.cursor ?? 0);
      if (!Number.isInteger(start) || start < 0) {
        throw new McpError(ErrorCode.InvalidParams, `resources/list: bad cursor "${request.params?.cursor}"`);
      }
      const resources = book.page(start, PAGE).map((entry) => {
        const id = entry.live ? entry.live.id : entry.closed.id;
        const label = entry.live ? entry.live.label : entry.closed.label;
        return { uri: agentUri(id), name: id, title: label, mimeType: "application/json" };
      });
      const next = start + PAGE < book.size ? String(start + PAGE) : undefined;
      return { resources, ...(next ? { nextCursor: next } : {}) };
    });
    server.setRequestHandler(ListResourceTemplatesRequestSchema, () => ({
      resourceTemplates: [
        {
          uriTemplate: `${PREFIX}{agent_id}`,
          name: "agent",
          description:
            "An agent's state (status, end reason, usage, turns); subscribe to hear when it finishes.",
          mimeType: "application/json",
        },
        {
          uriTemplate: `${PREFIX}{agent_id}/final`,
          name: "agent final message",
          description: "The whole final message of an agent (wait results cut it at --max-inline).",
          mimeType: "text/markdown",
        },
      ],
    }));
    server.setRequestHandler(ReadResourceRequestSchema, (request) => {
      const { uri } = request.params;
      const parsed = this.#known(uri);
      if (parsed.final) {
        return { contents: [{ uri, mimeType: "text/markdown", text: book.finalText(parsed.id) ?? "" }] };
      }
      const view = agentView(book.entry(parsed.id)!);
      return { contents: [{ uri, mimeType: "application/json", text: JSON.stringify(view) }] };
    });
    server.setRequestHandler(SubscribeRequestSchema, (request) => {
      this.#known(request.params.uri);
      this.#subscribed.add(request.params.uri);
      return {};
    });
    server.setRequestHandler(UnsubscribeRequestSchema, (request) => {
      this.#subscribed.delete(request.params.uri);
      return {};
    });
  }

  /** Tells subscribers when an agent reaches a final status or is closed; announces new agents. */
  onPoolEvent(event: PoolEvent): void {
    if (event.type === "agent.spawned") {
      this.#send(() => this.#server.sendResourceListChanged());
      return;
    }
    const final = (event.type === "turn.ended" && isFinal(event.status)) || event.type === "agent.closed";
    if (!final) return;
    for (const uri of [agentUri(event.agentId), `${agentUri(event.agentId)}/final`]) {
      if (this.#subscribed.has(uri)) this.#send(() => this.#server.sendResourceUpdated({ uri }));
    }
  }

  #known(uri: string): { id: string; final: boolean } {
    const parsed = parseUri(uri);
    if (!parsed || this.#book.entry(parsed.id) === undefined) {
      throw new McpError(
        RESOURCE_NOT_FOUND,
        `no resource ${uri}: agent resources are ${PREFIX}<agent_id> and ${PREFIX}<agent_id>/final (resources/list)`,
      );
    }
    return parsed;
  }

  #send(notify: () => Promise<void>): void {
    // Before the client is connected (or after it left) there is nobody to tell.
    notify().catch(() => {});
  }
}
