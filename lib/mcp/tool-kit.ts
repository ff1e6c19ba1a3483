import type * as z from '../zod.ts';
import type { Deps } from '../deps.ts';

/** Who calls over MCP: an agent token, or (trusted-header mode only) a local X-User-ID. */
export interface McpCaller {
  userId: string;
  via: 'agent_token' | 'trusted-header';
  /** the agent token's name, shown to the person with what the agent asked for */
  agentName: string;
}

export interface ToolContext {
  d: Deps;
  caller: McpCaller;
}

/** What a tool answers: text for the model, structured content for the client, isError for a tool error (never a protocol error). */
export interface ToolResult {
  text: string;
  structured: Record<string, unknown>;
  isError?: boolean;
}

/**
 * One MCP tool, as one entry of the registry (lib/mcp/tools.ts): its name, what an agent reads to
 * decide when to call it, its input as a zod shape (lib/mcp/server.ts parses the arguments with
 * it and lists it as JSON Schema) and the service call it makes, the same one as the HTTP route's.
 */
export interface McpTool<S extends z.core.$ZodLooseShape = z.core.$ZodLooseShape> {
  name: string;
  title: string;
  description: string;
  input: S;
  readOnly: boolean;
  run(ctx: ToolContext, args: z.output<z.ZodMiniObject<S>>): Promise<ToolResult>;
}

export const defineTool = <S extends z.core.$ZodLooseShape>(t: McpTool<S>): McpTool<S> => t;

/**
 * A tool as the server lists it: with its input as JSON Schema, converted by `npm run gen`
 * (lib/mcp/generated/input-schemas.ts, scripts/mcp-schemas.ts) rather than at run time.
 */
export type ListedTool = McpTool & { inputSchema: Record<string, unknown> };

export const json = (v: unknown) => JSON.stringify(v, null, 2);
