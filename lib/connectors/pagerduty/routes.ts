import * as z from '../../zod.ts';
import { defineRoute } from '../../http/define-route.ts';
import { pagerduty } from './definition.ts';

/** Providers add parameters of their own to a redirect (error_description...): accept and ignore them. */
const callbackQuery = /* @__PURE__ */ z.deferred(() => z.object({
  code: z.optional(z.string().check(z.maxLength(2048))),
  state: z.optional(z.string().check(z.maxLength(512))),
  error: z.optional(z.string().check(z.maxLength(256))),
}));

export const pagerdutyRotateRoute = /* @__PURE__ */ defineRoute({
  id: 'pagerduty.rotateToken',
  method: 'PATCH',
  paths: ['/pagerduty'],
  handler: 'functions/pagerduty/rotate-token.ts',
  auth: 'user',
  summary: 'Replace the API token of a connected PagerDuty account in place (validated first; it must reach the same account)',
  request: {
    body: /* @__PURE__ */ z.deferred(() => z.strictObject({
      api_token: z.string().check(z.trim(), z.regex(pagerduty.tokenPattern, 'must be a PagerDuty API access key (Integrations → API Access Keys)')),
      account_id: z.optional(z.string().check(z.minLength(1), z.maxLength(100))),
    })),
  },
  responses: { 200: /* @__PURE__ */ z.deferred(() => z.object({ success: z.literal(true), message: z.string(), subdomain: z.string() })) },
  errors: [400, 401, 404, 409, 503],
  capabilities: ['table', 'secrets'],
  timeoutSeconds: 29,
});

export const pagerdutyLoginRoute = /* @__PURE__ */ defineRoute({
  id: 'pagerduty.oauthLogin',
  method: 'POST',
  paths: ['/pagerduty/oauth/login'],
  handler: 'functions/pagerduty/oauth-login.ts',
  auth: 'user',
  summary: 'Start the PagerDuty OAuth flow (single-use state bound to this browser, PKCE S256); 404 unless NEXT_PUBLIC_ENABLE_PAGERDUTY_OAUTH',
  request: { body: /* @__PURE__ */ z.deferred(() => z.strictObject({})) },
  responses: { 200: /* @__PURE__ */ z.deferred(() => z.object({ oauth_url: z.url(), state: z.string() })) },
  errors: [404, 500],
  capabilities: ['table', 'secrets'],
});

export const pagerdutyCallbackRoute = /* @__PURE__ */ defineRoute({
  id: 'pagerduty.oauthCallback',
  method: 'GET',
  paths: [pagerduty.callbackPath],
  handler: 'functions/pagerduty/oauth-callback.ts',
  auth: 'open',
  summary: 'PagerDuty OAuth callback: consume the state, redeem the code with the PKCE verifier, store the tokens, 302 to the frontend',
  request: { query: callbackQuery },
  responses: { 302: null },
  errors: [404],
  capabilities: ['table', 'secrets'],
  timeoutSeconds: 29,
});

/** PagerDuty's own routes; connect (POST), status (GET), disconnect (DELETE) and the webhook are generic (connector.ts). */
export const pagerdutyRoutes = [pagerdutyRotateRoute, pagerdutyLoginRoute, pagerdutyCallbackRoute];
