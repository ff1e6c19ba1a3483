import * as z from '../../zod.ts';
import { defineRoute } from '../../http/define-route.ts';
import { empty } from '../../http/schemas.ts';
import { github } from './definition.ts';

/** Providers add parameters of their own to a redirect (error_description, error_uri...): accept and ignore them. */
const callbackQuery = /* @__PURE__ */ z.deferred(() => z.object({
  code: z.optional(z.string().check(z.maxLength(2048))),
  state: z.optional(z.string().check(z.maxLength(512))),
  error: z.optional(z.string().check(z.maxLength(256))),
}));

export const githubLoginRoute = /* @__PURE__ */ defineRoute({
  id: 'github.login',
  method: 'POST',
  paths: ['/github/login'],
  handler: 'functions/github/login.ts',
  auth: 'user',
  summary: "GitHub OAuth App consent URL (the configured scopes, single-use state bound to the caller and this browser, PKCE S256)",
  request: { body: empty },
  responses: { 200: /* @__PURE__ */ z.deferred(() => z.object({ oauth_url: z.url() })) },
  errors: [400, 500],
  // 'secrets' is what delivers app credentials deployed: the login refuses while the client secret is unset
  capabilities: ['table', 'secrets'],
});

export const githubCallbackRoute = /* @__PURE__ */ defineRoute({
  id: 'github.callback',
  method: 'GET',
  paths: [github.callbackPath],
  handler: 'functions/github/callback.ts',
  auth: 'open',
  summary: 'GitHub OAuth callback: consume the state, exchange the code, identify the account, store the token, 302 to the frontend',
  request: { query: callbackQuery },
  responses: { 302: null },
  errors: [404],
  capabilities: ['table', 'secrets'],
  timeoutSeconds: 29,
});

/** GitHub's own routes (OAuth); status, disconnect and the webhook are generic (lib/connectors/github/connector.ts). */
export const githubRoutes = [githubLoginRoute, githubCallbackRoute];
