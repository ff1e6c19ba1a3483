import { log } from '../log.ts';
import { toCallResult, toolError, type ToolContext } from './tool-kit.ts';
import { TOOLS } from './tools.ts';
// after our modules, which load zod first (lib/http/mcp-handler.ts says why)
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';

export const SERVER_INFO = { name: 'aurora-connectors', version: '1.0.0' };

const INSTRUCTIONS =
  "Tools act on the user's connected clouds, tools and Kubernetes clusters under the service's safety policy. Start with list_connections. Commands run in Ask (read-only) mode unless you pass mode \"agent\". When a result says requires_confirmation, only the person can approve it (at its approval_url); call again with its confirmation_id afterwards.";

/**
 * One MCP server per request (the endpoint is stateless: any request may land on a fresh Lambda),
 * bound to its caller, with every tool of the registry. A tool's failure is a tool result with
 * isError, never a protocol error, so the agent reads the human message and can act on it.
 */
export function buildMcpServer(ctx: ToolContext): McpServer {
  const server = new McpServer(SERVER_INFO, { capabilities: { tools: {} }, instructions: INSTRUCTIONS });
  for (const tool of TOOLS) {
    server.registerTool(
      tool.name,
      { title: tool.title, description: tool.description, inputSchema: tool.input, annotations: { readOnlyHint: tool.readOnly, openWorldHint: true } },
      async (args: unknown) => {
        const started = Date.now();
        let r;
        try {
          r = await tool.run(ctx, args as never);
        } catch (e) {
          r = toolError(tool.name, e);
        }
        const error = r.isError ? (r.structured.error as { code?: string } | undefined)?.code : undefined;
        log.info('mcp tool call', { tool: tool.name, userId: ctx.caller.userId, via: ctx.caller.via, isError: !!r.isError, ...(error ? { code: error } : {}), ms: Date.now() - started });
        return toCallResult(r);
      },
    );
  }
  return server;
}
