import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import type { ProcessBackend, TurnRequest } from "../../src/backends/types.ts";
import { type BatonMcp, type BatonMcpOptions, createBatonMcpServer } from "../../src/mcp/server.ts";
import { fakeBackend } from "../helpers/fake-backend.ts";

export interface ToolResult {
  isError?: boolean;
  text: string;
  structured?: Record<string, unknown>;
}

export interface Connected {
  client: Client;
  mcp: BatonMcp;
  /** Every turn request the backend was given, in order. */
  requests: TurnRequest[];
  call(name: string, args?: Record<string, unknown>): Promise<ToolResult>;
  close(): Promise<void>;
}

/** A fake backend that also records what each turn was asked to do. */
export function recordingBackend(requests: TurnRequest[]): ProcessBackend {
  const inner = fakeBackend();
  return {
    ...inner,
    command: (request) => {
      requests.push(request);
      return inner.command(request);
    },
  };
}

/** A baton MCP server over the fake worker, connected in-process to an SDK client. */
export async function connect(options: BatonMcpOptions = {}): Promise<Connected> {
  const requests: TurnRequest[] = [];
  const mcp = createBatonMcpServer({ backend: recordingBackend(requests), log: () => {}, ...options });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: "test", version: "0.0.0" });
  await Promise.all([mcp.server.connect(serverSide), client.connect(clientSide)]);
  const call = async (name: string, args: Record<string, unknown> = {}): Promise<ToolResult> => {
    const result = await client.callTool({ name, arguments: args });
    const content = result.content as { type: string; text: string }[];
    return {
      isError: result.isError as boolean | undefined,
      text: content.map((c) => c.text).join("\n"),
      structured: result.structuredContent as Record<string, unknown> | undefined,
    };
  };
  return {
    client,
    mcp,
    requests,
    call,
    close: async () => {
      await client.close();
      await mcp.close();
    },
  };
}
