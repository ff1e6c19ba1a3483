import { defineRoute } from '../http/define-route.ts';
import * as s from './schemas.ts';

export const createAgentTokenRoute = /* @__PURE__ */ defineRoute({
  id: 'agentTokens.create',
  method: 'POST',
  paths: ['/api/agent-tokens'],
  handler: 'functions/agent-tokens/create.ts',
  auth: 'user',
  summary: 'A new agent token for POST /mcp (shown once, only its hash kept); it acts for the caller on the MCP endpoint only',
  request: { body: s.createAgentTokenBody },
  responses: { 200: s.agentTokenCreatedResponse },
  errors: [400, 409],
  capabilities: ['table'],
});

export const listAgentTokensRoute = /* @__PURE__ */ defineRoute({
  id: 'agentTokens.list',
  method: 'GET',
  paths: ['/api/agent-tokens'],
  handler: 'functions/agent-tokens/list.ts',
  auth: 'user',
  summary: "The caller's agent tokens, without the tokens themselves",
  request: {},
  responses: { 200: s.listAgentTokensResponse },
  capabilities: ['table'],
});

export const revokeAgentTokenRoute = /* @__PURE__ */ defineRoute({
  id: 'agentTokens.revoke',
  method: 'DELETE',
  paths: ['/api/agent-tokens/{id}'],
  handler: 'functions/agent-tokens/revoke.ts',
  auth: 'user',
  summary: 'Revoke an agent token of the caller: it stops working at once',
  request: { params: s.agentTokenParams },
  responses: { 200: s.agentTokenRevokedResponse },
  errors: [400, 404],
  capabilities: ['table'],
});

export const mcpRoute = /* @__PURE__ */ defineRoute({
  id: 'mcp.endpoint',
  method: 'POST',
  paths: ['/mcp'],
  handler: 'functions/mcp/endpoint.ts',
  auth: 'agent',
  summary:
    'The Model Context Protocol endpoint (Streamable HTTP, stateless, JSON responses): cloud_tool, kubectl, list_connections, connection_status, list_alerts and cancel_confirmation as MCP tools, for the agent token\'s user (Authorization: Bearer)',
  request: {},
  // 202 with no body for a notification
  responses: { 200: s.mcpResponse },
  errors: [401, 406, 413, 415],
  // what cloudTool.run and every connector's status check touch (lib/mcp/tools.ts calls both)
  capabilities: ['table', 'secrets', 'sts', 'executor', 'agents'],
  timeoutSeconds: 29,
});

const notAllowed = (method: 'GET' | 'DELETE') =>
  /* @__PURE__ */ defineRoute({
    id: `mcp.${method.toLowerCase()}`,
    method,
    paths: ['/mcp'],
    handler: 'functions/mcp/method-not-allowed.ts',
    auth: 'open',
    summary: `${method} /mcp answers 405: the stateless endpoint opens no event stream and keeps no session`,
    request: {},
    responses: {},
    errors: [405],
    capabilities: [],
    timeoutSeconds: 3,
    memoryMb: 128,
  });

export const mcpRoutes = [createAgentTokenRoute, listAgentTokensRoute, revokeAgentTokenRoute, mcpRoute, /* @__PURE__ */ notAllowed('GET'), /* @__PURE__ */ notAllowed('DELETE')];
