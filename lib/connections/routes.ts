import { defineRoute } from '../http/define-route.ts';
import * as s from './schemas.ts';

export const listConnectionsRoute = /* @__PURE__ */ defineRoute({
  id: 'connections.list',
  method: 'GET',
  paths: ['/api/user_connections'],
  handler: 'functions/connections/list.ts',
  auth: 'user',
  summary: 'All connections of the caller, one per provider account',
  request: {},
  responses: { 200: s.listConnectionsResponse },
  capabilities: ['table'],
});

export const markDisconnectedRoute = /* @__PURE__ */ defineRoute({
  id: 'connections.markDisconnected',
  method: 'DELETE',
  paths: ['/api/user_connections'],
  handler: 'functions/connections/mark-disconnected.ts',
  auth: 'user',
  summary: 'Mark one connection not_connected, keeping its credentials for a later reconnect',
  request: { body: s.markDisconnectedBody },
  responses: { 200: s.disconnectedResponse },
  errors: [400, 404],
  capabilities: ['table'],
});

export const connectedProvidersRoute = /* @__PURE__ */ defineRoute({
  id: 'connections.connectedProviders',
  method: 'GET',
  paths: ['/api/user/connected-providers'],
  handler: 'functions/connections/connected-providers.ts',
  auth: 'user',
  summary: 'Connected providers and the default one (preference order, else first connected)',
  request: {},
  responses: { 200: s.connectedProvidersResponse },
  capabilities: ['table'],
});

export const getPreferenceRoute = /* @__PURE__ */ defineRoute({
  id: 'connections.getPreference',
  method: 'GET',
  paths: ['/api/user/provider-preference'],
  handler: 'functions/connections/get-preference.ts',
  auth: 'user',
  summary: "The caller's provider preference order",
  request: {},
  responses: { 200: s.preferenceResponse },
  capabilities: ['table'],
});

export const putPreferenceRoute = /* @__PURE__ */ defineRoute({
  id: 'connections.putPreference',
  method: 'PUT',
  paths: ['/api/user/provider-preference'],
  handler: 'functions/connections/put-preference.ts',
  auth: 'user',
  summary: 'Set the provider preference order',
  request: { body: s.preferenceBody },
  responses: { 200: s.preferenceResponse },
  errors: [400],
  capabilities: ['table'],
});

export const providerDisconnectRoute = /* @__PURE__ */ defineRoute({
  id: 'connections.providerDisconnect',
  method: 'DELETE',
  paths: ['/api/auth/{provider}/disconnect'],
  handler: 'functions/connections/provider-disconnect.ts',
  auth: 'user',
  summary: 'Remove the credentials and records of a provider (all accounts, or the one named)',
  request: { params: s.providerParam, body: s.providerDisconnectBody },
  responses: { 200: s.providerDisconnectResponse },
  errors: [400, 404],
  capabilities: ['table', 'secrets'],
});

export const connectionRoutes = [
  listConnectionsRoute,
  markDisconnectedRoute,
  connectedProvidersRoute,
  getPreferenceRoute,
  putPreferenceRoute,
  providerDisconnectRoute,
];
