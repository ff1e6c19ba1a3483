import * as z from 'zod';
import { defineRoute } from '../../http/define-route.ts';
import { empty } from '../../http/schemas.ts';
import { ovh } from './definition.ts';

export const initiateBody = z.strictObject({
  endpoint: z.enum(ovh.endpoints, { error: () => `must be one of ${ovh.endpoints.join(', ')}` }),
});

/** Providers add parameters of their own to a redirect (iss, error_description...): accept and ignore them. */
const callbackQuery = z.object({
  code: z.string().max(2048).optional(),
  state: z.string().max(512).optional(),
  error: z.string().max(256).optional(),
});

export const ovhInitiateRoute = defineRoute({
  id: 'ovh.initiate',
  method: 'POST',
  paths: ['/ovh_api/ovh/oauth2/initiate'],
  handler: 'functions/ovh/initiate.ts',
  auth: 'user',
  summary: 'Start the OVHcloud OAuth2 flow for a region (single-use state, PKCE S256)',
  request: { body: initiateBody },
  responses: { 200: z.object({ authorizationUrl: z.url(), state: z.string() }) },
  errors: [400, 404, 500],
  // 'secrets' is what delivers app credentials deployed: initiate refuses a region whose client secret is unset
  capabilities: ['table', 'secrets'],
  featureFlag: 'ovh',
});

export const ovhCallbackRoute = defineRoute({
  id: 'ovh.callback',
  method: 'GET',
  paths: [ovh.callbackPath, '/api/auth/ovh/callback'],
  handler: 'functions/ovh/callback.ts',
  auth: 'open',
  summary: 'OVHcloud OAuth2 callback: consume the state, exchange the code, store the tokens, 302 to the frontend',
  request: { query: callbackQuery },
  responses: { 302: null },
  errors: [404],
  capabilities: ['table', 'secrets'],
  featureFlag: 'ovh',
  timeoutSeconds: 29,
});

export const ovhStatusRoute = defineRoute({
  id: 'ovh.status',
  method: 'GET',
  paths: ['/ovh_api/ovh/status'],
  handler: 'functions/ovh/status.ts',
  auth: 'user',
  summary: 'Live check (refreshing the token ahead of expiry); a failure marks the connection error, credentials kept',
  request: {},
  responses: {
    200: z.object({ connected: z.boolean(), endpoint: z.enum(ovh.endpoints).nullable(), status: z.literal('error').optional(), reason: z.string().optional() }),
  },
  errors: [404],
  capabilities: ['table', 'secrets'],
  featureFlag: 'ovh',
  timeoutSeconds: 29,
});

export const ovhDisconnectRoute = defineRoute({
  id: 'ovh.disconnect',
  method: 'POST',
  paths: ['/ovh_api/ovh/disconnect'],
  handler: 'functions/ovh/disconnect.ts',
  auth: 'user',
  summary: 'Remove the OVHcloud tokens from the secret store and the connection records',
  request: { body: empty },
  responses: { 200: z.object({ status: z.literal('disconnected') }) },
  errors: [404],
  capabilities: ['table', 'secrets'],
  featureFlag: 'ovh',
});

export const ovhRoutes = [ovhInitiateRoute, ovhCallbackRoute, ovhStatusRoute, ovhDisconnectRoute];
