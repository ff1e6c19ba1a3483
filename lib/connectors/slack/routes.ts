import * as z from '../../zod.ts';
import { defineRoute } from '../../http/define-route.ts';
import { empty } from '../../http/schemas.ts';
import { slack } from './definition.ts';

/** Providers add parameters of their own to a redirect: accept and ignore them. */
const callbackQuery = /* @__PURE__ */ z.deferred(() => z.object({
  code: z.optional(z.string().check(z.maxLength(2048))),
  state: z.optional(z.string().check(z.maxLength(512))),
  error: z.optional(z.string().check(z.maxLength(256))),
}));

export const slackLoginRoute = /* @__PURE__ */ defineRoute({
  id: 'slack.login',
  method: 'POST',
  paths: ['/slack'],
  handler: 'functions/slack/login.ts',
  auth: 'user',
  summary: "Slack OAuth v2 install URL with the app's bot scopes (single-use state bound to the caller and this browser, PKCE S256)",
  request: { body: empty },
  responses: { 200: /* @__PURE__ */ z.deferred(() => z.object({ oauth_url: z.url() })) },
  errors: [400, 404, 500],
  // 'secrets' is what delivers app credentials deployed: the login refuses while the client secret is unset
  capabilities: ['table', 'secrets'],
  featureFlag: 'slack',
});

export const slackCallbackRoute = /* @__PURE__ */ defineRoute({
  id: 'slack.callback',
  method: 'GET',
  paths: [slack.callbackPath],
  handler: 'functions/slack/callback.ts',
  auth: 'open',
  summary: 'Slack OAuth v2 callback: consume the state, exchange the code (oauth.v2.access), identify the workspace (auth.test), store the bot token, 302 to the frontend',
  request: { query: callbackQuery },
  responses: { 302: null },
  errors: [404],
  capabilities: ['table', 'secrets'],
  featureFlag: 'slack',
  timeoutSeconds: 29,
});

export const slackEventsRoute = /* @__PURE__ */ defineRoute({
  id: 'slack.events',
  method: 'POST',
  paths: ['/slack/events'],
  handler: 'functions/slack/events.ts',
  auth: 'open',
  summary: "Slack Events API request URL: v0 signature (X-Slack-Signature over the signed timestamp and body) with a replay window, the url_verification challenge answered, events acknowledged; any refusal is 401",
  request: {},
  responses: { 200: /* @__PURE__ */ z.deferred(() => z.union([z.object({ challenge: z.string() }), z.object({ ok: z.literal(true) })])) },
  errors: [400, 401, 413, 500],
  // the signing secret is the app's (a setting); no call out before answering
  capabilities: ['secrets'],
  featureFlag: 'slack',
});

/** Slack's own routes (OAuth, events); status and disconnect are generic (lib/connectors/slack/connector.ts). */
export const slackRoutes = [slackLoginRoute, slackCallbackRoute, slackEventsRoute];
