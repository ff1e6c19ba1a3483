import * as z from '../../zod.ts';
import { defineRoute } from '../../http/define-route.ts';
import { ovh } from './definition.ts';

export const initiateBody = /* @__PURE__ */ z.deferred(() => z.strictObject({
  endpoint: z.enum(ovh.endpoints, { error: () => `must be one of ${ovh.endpoints.join(', ')}` }),
}));

/** Providers add parameters of their own to a redirect (iss, error_description...): accept and ignore them. */
const callbackQuery = /* @__PURE__ */ z.deferred(() => z.object({
  code: z.optional(z.string().check(z.maxLength(2048))),
  state: z.optional(z.string().check(z.maxLength(512))),
  error: z.optional(z.string().check(z.maxLength(256))),
}));

export const ovhInitiateRoute = /* @__PURE__ */ defineRoute({
  id: 'ovh.initiate',
  method: 'POST',
  paths: ['/ovh_api/ovh/oauth2/initiate'],
  handler: 'functions/ovh/initiate.ts',
  auth: 'user',
  summary: 'Start the OVHcloud OAuth2 flow for a region (single-use state, PKCE S256)',
  request: { body: initiateBody },
  responses: { 200: /* @__PURE__ */ z.deferred(() => z.object({ authorizationUrl: z.url(), state: z.string() })) },
  errors: [400, 404, 500],
  // 'secrets' is what delivers app credentials deployed: initiate refuses a region whose client secret is unset
  capabilities: ['table', 'secrets'],
  featureFlag: 'ovh',
});

export const ovhCallbackRoute = /* @__PURE__ */ defineRoute({
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

/** OVHcloud's own routes (OAuth); status and disconnect are generic (lib/connectors/ovh/connector.ts). */
export const ovhRoutes = [ovhInitiateRoute, ovhCallbackRoute];
