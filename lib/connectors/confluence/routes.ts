import * as z from '../../zod.ts';
import { defineRoute } from '../../http/define-route.ts';
import { confluence } from './definition.ts';

const callbackQuery = /* @__PURE__ */ z.deferred(() => z.object({
  code: z.optional(z.string().check(z.maxLength(2048))),
  state: z.optional(z.string().check(z.maxLength(512))),
  error: z.optional(z.string().check(z.maxLength(256))),
}));

export const confluenceConnectRoute = /* @__PURE__ */ defineRoute({
  id: 'confluence.connect',
  method: 'POST',
  paths: ['/confluence/connect'],
  handler: 'functions/confluence/connect.ts',
  auth: 'user',
  summary: 'Connect Confluence: Cloud through Atlassian OAuth 2.0 (authType "oauth": the consent URL) or Data Center with a Personal Access Token and its base URL (authType "pat", validated against the instance)',
  request: {
    body: /* @__PURE__ */ z.deferred(() => z.strictObject({
      auth_type: z.optional(z.enum(['oauth', 'pat'], { error: () => 'must be "oauth" (Confluence Cloud) or "pat" (Data Center)' })),
      base_url: z.optional(z.string().check(z.trim(), z.minLength(1, 'must not be empty'), z.maxLength(2048))),
      pat_token: z.optional(z.string().check(
        z.trim(),
        z.minLength(8, 'must be a Confluence Personal Access Token'),
        z.maxLength(512),
        z.regex(/^[\x21-\x7e]+$/, 'must be a Confluence Personal Access Token'),
      )),
    })),
  },
  responses: {
    200: /* @__PURE__ */ z.deferred(() => z.union([
      z.object({ auth_type: z.literal('oauth'), auth_url: z.url(), state: z.string() }),
      z.object({ success: z.literal(true), message: z.string(), auth_type: z.literal('pat'), base_url: z.string(), user: z.string() }),
    ])),
  },
  errors: [400, 401, 500, 503],
  capabilities: ['table', 'secrets'],
  timeoutSeconds: 29,
});

export const confluenceCallbackRoute = /* @__PURE__ */ defineRoute({
  id: 'confluence.callback',
  method: 'GET',
  paths: [confluence.callbackPath],
  handler: 'functions/confluence/callback.ts',
  auth: 'open',
  summary: 'Atlassian OAuth callback: consume the state, redeem the code, find the Confluence site (accessible-resources), store the tokens, 302 to the frontend',
  request: { query: callbackQuery },
  responses: { 302: null },
  errors: [],
  capabilities: ['table', 'secrets'],
  timeoutSeconds: 29,
});

/** Confluence's own routes; status and disconnect are generic (connector.ts). */
export const confluenceRoutes = [confluenceConnectRoute, confluenceCallbackRoute];
