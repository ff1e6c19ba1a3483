import { defineRoute } from '../http/define-route.ts';
import * as s from './schemas.ts';

export const createTokenRoute = /* @__PURE__ */ defineRoute({
  id: 'kubectl.createToken',
  method: 'POST',
  paths: ['/api/kubectl/tokens'],
  handler: 'functions/kubectl/create-token.ts',
  auth: 'user',
  summary: 'Add a Kubernetes cluster: an agent token (shown once, only its hash kept) and the Helm install command and values; rate limited per user',
  request: { body: s.createTokenBody },
  responses: { 200: s.tokenIssuedResponse },
  errors: [400, 409, 429],
  // agents: the install values name the agents' WebSocket URL, which only this capability carries
  capabilities: ['table', 'agents'],
});

export const listClusterConnectionsRoute = /* @__PURE__ */ defineRoute({
  id: 'kubectl.listConnections',
  method: 'GET',
  paths: ['/api/kubectl/connections'],
  handler: 'functions/kubectl/list-connections.ts',
  auth: 'user',
  summary: "The caller's clusters and their agents: connected, stale (three heartbeats missed) or disconnected",
  request: {},
  responses: { 200: s.listClusterConnectionsResponse },
  capabilities: ['table'],
});

export const revokeClusterRoute = /* @__PURE__ */ defineRoute({
  id: 'kubectl.revokeConnection',
  method: 'DELETE',
  paths: ['/api/kubectl/connections/{cluster_id}'],
  handler: 'functions/kubectl/revoke-connection.ts',
  auth: 'user',
  summary: "Remove a cluster: its token stops working, its agent's socket is closed (the agent stops) and the helm uninstall command is returned",
  request: { params: s.clusterParams },
  responses: { 200: s.revokedResponse },
  errors: [400, 404],
  capabilities: ['table', 'agents'],
});

export const rotateTokenRoute = /* @__PURE__ */ defineRoute({
  id: 'kubectl.rotateToken',
  method: 'POST',
  paths: ['/api/kubectl/tokens/{token_id}/rotate'],
  handler: 'functions/kubectl/rotate-token.ts',
  auth: 'user',
  summary: 'A new agent token for the same cluster (shown once); the old token stops working and its socket is closed',
  request: { params: s.tokenParams, body: s.rotateTokenBody },
  responses: { 200: s.tokenRotatedResponse },
  errors: [400, 404, 409, 429],
  capabilities: ['table', 'agents'],
});

export const kubectlRoutes = [createTokenRoute, listClusterConnectionsRoute, revokeClusterRoute, rotateTokenRoute];
