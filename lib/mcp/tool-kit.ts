import type * as z from '../zod.ts';
import type { Deps } from '../deps.ts';
import { isAppError, toErrorBody } from '../errors.ts';
import { log } from '../log.ts';

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

/** A tools/call result: the text first, the same data as structured content. */
export function toCallResult(r: ToolResult) {
  return { content: [{ type: 'text' as const, text: r.text }], structuredContent: r.structured, ...(r.isError ? { isError: true } : {}) };
}

/**
 * A failed service call as a tool error with the human message the HTTP route would answer (the
 * same envelope, so no secret and no stack trace); anything unexpected is logged and answered
 * generically.
 */
export function toolError(tool: string, e: unknown): ToolResult {
  if (isAppError(e)) {
    if (e.status >= 500) log.warn('mcp tool failed', { tool, code: e.code, status: e.status });
    const body = toErrorBody(e);
    return { text: body.error.message, structured: { ...body, status: e.status }, isError: true };
  }
  log.error('mcp tool crashed', { tool, error: e });
  return { text: 'Internal error: the tool could not complete. Please try again.', structured: { error: { code: 'internal_error', message: 'Internal error' }, status: 500 }, isError: true };
}

export const json = (v: unknown) => JSON.stringify(v, null, 2);
