import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { InMemoryTransport } from "@modelcontextprotocol/sdk/inMemory.js";
import { afterEach } from "vitest";
import type { ProcessBackend, TurnRequest } from "../../src/backends/types.ts";
import { type BatonMcp, type BatonMcpOptions, createBatonMcpServer } from "../../src/mcp/server.ts";
import { TOOLS } from "../../src/mcp/tools.ts";
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
export function recordingBackend(requests: TurnRequest[], name?: string): ProcessBackend {
  const inner = fakeBackend(name);
  return {
    ...inner,
    command: (request) => {
      requests.push(request);
      return inner.command(request);
    },
  };
}

/** A baton MCP server over the fake worker, connected in-process to an SDK client. */
export async function connect(options: BatonMcpOptions & { backendName?: string } = {}): Promise<Connected> {
  const requests: TurnRequest[] = [];
  const home = mkdtempSync(join(tmpdir(), "baton-mcp-home-"));
  const mcp = createBatonMcpServer({
    backend: recordingBackend(requests, options.backendName),
    log: () => {},
    home,
    ...options,
  });
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  const client = new Client({ name: "test", version: "0.0.0" }, { capabilities: { tasks: {} } });
  await Promise.all([mcp.server.connect(serverSide), client.connect(clientSide)]);
  // With the tools listed, the SDK client checks every structuredContent against its outputSchema.
  await client.listTools();
  const call = async (name: string, args: Record<string, unknown> = {}): Promise<ToolResult> => {
    const result = await client.callTool({ name, arguments: args });
    const content = result.content as { type: string; text: string }[];
    if (!result.isError) expectMatchesOutput(name, result.structuredContent);
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
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** Every non-error result must match its tool's output schema (zod, besides the SDK client's JSON Schema check). */
export function expectMatchesOutput(tool: string, structured: unknown): void {
  const spec = TOOLS.find((t) => t.name === tool);
  if (!spec) return;
  const parsed = spec.output.safeParse(structured);
  if (!parsed.success)
    throw new Error(`${tool} result does not match its outputSchema: ${parsed.error.message}`);
}

/**
 * For a test file: `open()` connects a session (closed after each test), `tempDir()` makes a folder
 * (removed after each test).
 */
export function sessions() {
  let current: Connected | undefined;
  const dirs: string[] = [];
  afterEach(async () => {
    await current?.close();
    current = undefined;
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  return {
    open: async (options: Parameters<typeof connect>[0] = {}): Promise<Connected> => {
      current = await connect(options);
      return current;
    },
    tempDir: (): string => {
      const dir = mkdtempSync(join(tmpdir(), "baton-mcp-test-"));
      dirs.push(dir);
      return dir;
    },
  };
}
