import * as z from '../zod.ts';
import { isAppError, toErrorBody } from '../errors.ts';
import { log } from '../log.ts';
import { ERRORS, PROTOCOL_VERSIONS, method, type McpMethod } from './protocol.ts';
import type { ListedTool, McpTool, ToolContext, ToolResult } from './tool-kit.ts';
import { callToolRequest, initializeRequest, listToolsRequest, pingRequest } from './wire.ts';

export const SERVER_INFO = { name: 'aurora-connectors', version: '1.0.0' };

export const INSTRUCTIONS =
  "Tools act on the user's connected clouds, tools and Kubernetes clusters under the service's safety policy. Start with list_connections. Commands run in Ask (read-only) mode unless you pass mode \"agent\". When a result says requires_confirmation, only the person can approve it (at its approval_url); call again with its confirmation_id afterwards.";

/** tools/list declares list changes, as McpServer did; the list never changes, so none is sent */
const CAPABILITIES = { tools: { listChanged: true } };

/** Each tool's input as the object its arguments are parsed with (unknown keys dropped, as McpServer did); built once per Lambda. */
const inputs = new WeakMap<McpTool, z.ZodMiniObject>();
function inputOf(tool: McpTool): z.ZodMiniObject {
  let input = inputs.get(tool);
  if (!input) inputs.set(tool, (input = z.object(tool.input)));
  return input;
}

/** A tool as tools/list shows it, in McpServer's form; built once per Lambda. */
const listings = new WeakMap<McpTool, object>();
function listingOf(tool: ListedTool): object {
  let listing = listings.get(tool);
  if (!listing) {
    listing = { name: tool.name, title: tool.title, description: tool.description, inputSchema: tool.inputSchema, annotations: { readOnlyHint: tool.readOnly, openWorldHint: true }, execution: { taskSupport: 'forbidden' } };
    listings.set(tool, listing);
  }
  return listing;
}

/**
 * The registry (lib/mcp/tools.ts) with each tool's input as JSON Schema draft-07 with `$schema`,
 * read as input (a defaulted argument is optional), as McpServer listed it, converted by
 * `npm run gen` (scripts/mcp-schemas.ts) so zod's converter is not in the function; loaded by the
 * first tools/list or tools/call: initialize and notifications need none of it.
 */
let listed: ListedTool[] | undefined;
async function registry(): Promise<ListedTool[]> {
  if (listed) return listed;
  const [{ TOOLS }, { INPUT_SCHEMAS }] = await Promise.all([import('./tools.ts'), import('./generated/input-schemas.ts')]);
  return (listed = TOOLS.map((t) => {
    const inputSchema = INPUT_SCHEMAS[t.name];
    // test/unit/generated.test.ts fails first: this is for a build made without it
    if (!inputSchema) throw new Error(`lib/mcp/generated/input-schemas.ts has no schema for the tool ${t.name}: run npm run gen`);
    return { ...t, inputSchema };
  }));
}

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

/** A tools/call that cannot start: a tool result with isError, as McpServer answered it, so the agent reads why. */
const refused = (message: string) => ({ content: [{ type: 'text' as const, text: `MCP error ${ERRORS.invalidParams}: ${message}` }], isError: true });

/** A zod error as McpServer told it: each issue's message, with " at <path>" when it has one, a line each. */
const issuesText = (issues: z.core.$ZodIssue[]) =>
  issues.map((i) => (i.path.length ? `${i.message} at ${i.path.reduce<string>((acc, seg, n) => (n === 0 ? String(seg) : typeof seg === 'number' ? `${acc}[${seg}]` : `${acc}.${String(seg)}`), '')}` : i.message)).join('\n');

async function callTool(ctx: ToolContext, tools: ListedTool[], name: string, args: Record<string, unknown> | undefined) {
  const tool = tools.find((t) => t.name === name);
  if (!tool) return refused(`Tool ${name} not found`);
  const parsed = await z.safeParseAsync(inputOf(tool), args ?? {});
  if (!parsed.success) return refused(`Input validation error: Invalid arguments for tool ${name}: ${issuesText(parsed.error.issues)}`);
  const started = Date.now();
  let r;
  try {
    r = await tool.run(ctx, parsed.data as never);
  } catch (e) {
    r = toolError(tool.name, e);
  }
  const error = r.isError ? (r.structured.error as { code?: string } | undefined)?.code : undefined;
  log.info('mcp tool call', { tool: tool.name, userId: ctx.caller.userId, via: ctx.caller.via, isError: !!r.isError, ...(error ? { code: error } : {}), ms: Date.now() - started });
  return toCallResult(r);
}

/**
 * The methods POST /mcp answers for one caller (lib/http/mcp-handler.ts; the transport is
 * lib/mcp/protocol.ts): initialize, ping, tools/list and tools/call over every tool of the
 * registry. A tool's failure is a tool result with isError, never a protocol error, so the agent
 * reads the human message and can act on it.
 */
export function mcpMethods(ctx: ToolContext, tools: () => Promise<ListedTool[]> = registry): Record<string, McpMethod> {
  return {
    initialize: method(initializeRequest, async ({ params }) => ({
      protocolVersion: (PROTOCOL_VERSIONS as readonly string[]).includes(params.protocolVersion) ? params.protocolVersion : PROTOCOL_VERSIONS[0],
      capabilities: CAPABILITIES,
      serverInfo: SERVER_INFO,
      instructions: INSTRUCTIONS,
    })),
    ping: method(pingRequest, async () => ({})),
    'tools/list': method(listToolsRequest, async () => ({ tools: (await tools()).map(listingOf) })),
    'tools/call': method(callToolRequest, async ({ params }) => callTool(ctx, await tools(), params.name, params.arguments)),
  };
}
