import { defineRoute } from '../http/define-route.ts';
import * as s from './schemas.ts';

export const createAgentTokenRoute = defineRoute({
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

export const listAgentTokensRoute = defineRoute({
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

export const revokeAgentTokenRoute = defineRoute({
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

export const mcpRoutes = [createAgentTokenRoute, listAgentTokensRoute, revokeAgentTokenRoute];
