import * as z from '../../zod.ts';
import { defineRoute } from '../../http/define-route.ts';
import { empty, providerId } from '../../http/schemas.ts';
import { TASK_STATES } from './setup-tasks.ts';

/** Google adds parameters of its own to the redirect (scope, authuser, prompt, hd...): accepted and ignored. */
const callbackQuery = /* @__PURE__ */ z.deferred(() => z.object({
  code: z.optional(z.string().check(z.maxLength(4096))),
  state: z.optional(z.string().check(z.maxLength(512))),
  error: z.optional(z.string().check(z.maxLength(256))),
}));

const projectId = /* @__PURE__ */ z.deferred(() => z.string().check(z.regex(/^[a-z][a-z0-9-]{4,28}[a-z0-9]$/, 'must be a GCP project id (6–30 lowercase letters, digits, hyphens)')));

const orgPolicyOutcome = /* @__PURE__ */ z.deferred(() => z.object({
  constraint: z.string(),
  change: z.string(),
  updated: z.int(),
  updated_projects: z.array(z.string()),
  failed: z.array(z.object({ project_id: z.string(), reason: z.string() })),
}));

const setupResult = /* @__PURE__ */ z.deferred(() => z.object({
  propagation_status: z.enum(['FULL', 'PARTIAL']),
  verified_projects: z.int(),
  total_projects: z.int(),
  /** only when GCP_ORG_POLICY_ALLOW_PUBLIC_CLOUD_RUN is on: the project-level org-policy overrides made */
  org_policy: z.optional(orgPolicyOutcome),
}));

export const setupStatusResponse = /* @__PURE__ */ z.deferred(() => z.object({
  state: z.enum(TASK_STATES),
  status: z.string(),
  complete: z.boolean(),
  progress: z.int().check(z.gte(0), z.lte(100)),
  step: z.int(),
  total_steps: z.int(),
  propagation: z.optional(z.object({ status: z.enum(['VERIFYING', 'FULL', 'PARTIAL']), verified_projects: z.int(), total_projects: z.int() })),
  result: z.optional(setupResult),
  error: z.optional(z.literal(true)),
  eligible_projects: z.optional(z.array(z.object({ project_id: z.string(), name: z.string() }))),
}));

export const gcpLoginRoute = /* @__PURE__ */ defineRoute({
  id: 'gcp.login',
  method: 'POST',
  paths: ['/gcp/login', '/login'],
  handler: 'functions/gcp/login.ts',
  auth: 'user',
  summary: 'Google consent URL: cloud-platform, userinfo.email and openid scopes, offline access, single-use state bound to the caller, PKCE S256',
  request: { body: empty },
  responses: { 200: /* @__PURE__ */ z.deferred(() => z.object({ login_url: z.url() })) },
  errors: [400, 401, 403, 500],
  capabilities: ['table'],
});

export const oauthStartRoute = /* @__PURE__ */ defineRoute({
  id: 'oauth.start',
  method: 'GET',
  paths: ['/api/auth/{provider}'],
  handler: 'functions/gcp/oauth-start.ts',
  auth: 'user',
  summary: "An OAuth provider's consent URL (gcp; ovh when enabled and its connector offers it): {login_url} to a JWT caller or one that accepts JSON, else a 302 there; other providers 400",
  request: { params: /* @__PURE__ */ z.deferred(() => z.strictObject({ provider: providerId })), query: /* @__PURE__ */ z.deferred(() => z.object({ endpoint: z.optional(z.string().check(z.maxLength(64))) })) },
  responses: { 200: /* @__PURE__ */ z.deferred(() => z.object({ login_url: z.url() })), 302: null },
  errors: [400, 401, 404, 500],
  // secrets: deployed, OVH's per-region OAuth client settings arrive as linked secrets
  capabilities: ['table', 'secrets'],
});

export const gcpCallbackRoute = /* @__PURE__ */ defineRoute({
  id: 'gcp.callback',
  method: 'GET',
  paths: ['/callback', '/gcp/callback', '/api/auth/gcp/callback'],
  handler: 'functions/gcp/callback.ts',
  auth: 'open',
  summary: 'Google OAuth callback: consume the state once, exchange the code (PKCE), store the tokens, mark the connection pending, start the setup, 302 to the frontend',
  request: { query: callbackQuery },
  responses: { 302: null },
  errors: [400],
  capabilities: ['table', 'secrets', 'workflow'],
  timeoutSeconds: 29,
});

export const oauthCallbackRoute = /* @__PURE__ */ defineRoute({
  id: 'oauth.callback',
  method: 'GET',
  paths: ['/api/auth/{provider}/callback'],
  handler: 'functions/gcp/oauth-callback.ts',
  auth: 'open',
  summary: 'Generic OAuth callback: the same handling as the provider-specific callbacks; non-OAuth providers 400',
  request: { params: /* @__PURE__ */ z.deferred(() => z.strictObject({ provider: providerId })), query: callbackQuery },
  responses: { 302: null },
  errors: [400, 404],
  capabilities: ['table', 'secrets', 'workflow'],
  timeoutSeconds: 29,
});

export const gcpSetupStatusRoute = /* @__PURE__ */ defineRoute({
  id: 'gcp.setupStatus',
  method: 'GET',
  paths: ['/gcp/setup/status/{task_id}'],
  handler: 'functions/gcp/setup-status.ts',
  auth: 'user',
  summary: "Progress of the caller's GCP setup task (another user's or an unknown task: 404)",
  request: { params: /* @__PURE__ */ z.deferred(() => z.strictObject({ task_id: z.string().check(z.minLength(1), z.maxLength(128)) })) },
  responses: { 200: setupStatusResponse },
  errors: [401, 404],
  capabilities: ['table'],
});

export const gcpPostAuthRetryRoute = /* @__PURE__ */ defineRoute({
  id: 'gcp.postAuthRetry',
  method: 'POST',
  paths: ['/gcp/post-auth-retry'],
  handler: 'functions/gcp/post-auth-retry.ts',
  auth: 'user',
  summary: 'Configure up to GCP_MAX_AUTO_PROJECTS of the eligible projects offered by NEEDS_SELECTION: starts a new setup execution',
  request: {
    body: /* @__PURE__ */ z.deferred(() => z.strictObject({
      selected_project_ids: z.array(z.string().check(z.trim(), z.minLength(1, 'must not contain empty ids'), z.maxLength(64))).check(
        z.minLength(1, 'select at least 1 project'),
        z.refine((ids) => new Set(ids).size === ids.length, 'must not repeat a project'),
      ),
    })),
  },
  responses: { 200: /* @__PURE__ */ z.deferred(() => z.object({ status: z.literal('started'), task_id: z.string() })) },
  errors: [400, 401],
  capabilities: ['table', 'workflow'],
});

export const gcpProjectsRoute = /* @__PURE__ */ defineRoute({
  id: 'gcp.projects',
  method: 'GET',
  paths: ['/api/gcp/projects'],
  handler: 'functions/gcp/projects.ts',
  auth: 'user',
  summary: 'Projects of the connected Google account with billing state and the root project',
  request: {},
  responses: { 200: /* @__PURE__ */ z.deferred(() => z.object({ projects: z.array(z.object({ project_id: z.string(), name: z.string(), billing_enabled: z.boolean(), is_root: z.boolean() })), root_project: z.nullable(z.string()) })) },
  errors: [401, 502, 503],
  capabilities: ['table', 'secrets'],
  timeoutSeconds: 29,
});

export const gcpGetRootProjectRoute = /* @__PURE__ */ defineRoute({
  id: 'gcp.getRootProject',
  method: 'GET',
  paths: ['/api/gcp/root-project'],
  handler: 'functions/gcp/get-root-project.ts',
  auth: 'user',
  summary: 'The root project (saved choice, else the one the setup chose)',
  request: {},
  responses: { 200: /* @__PURE__ */ z.deferred(() => z.object({ root_project: z.nullable(z.string()) })) },
  errors: [401],
  capabilities: ['table'],
});

export const gcpSetRootProjectRoute = /* @__PURE__ */ defineRoute({
  id: 'gcp.setRootProject',
  method: 'POST',
  paths: ['/api/gcp/root-project'],
  handler: 'functions/gcp/set-root-project.ts',
  auth: 'user',
  summary: "Choose the root project: one of the account's projects with billing enabled",
  request: { body: /* @__PURE__ */ z.deferred(() => z.strictObject({ project_id: projectId })) },
  responses: { 200: /* @__PURE__ */ z.deferred(() => z.object({ root_project: z.string() })) },
  errors: [400, 401, 503],
  capabilities: ['table', 'secrets'],
  timeoutSeconds: 29,
});

export const gcpRoutes = [
  gcpLoginRoute,
  oauthStartRoute,
  gcpCallbackRoute,
  oauthCallbackRoute,
  gcpSetupStatusRoute,
  gcpPostAuthRetryRoute,
  gcpProjectsRoute,
  gcpGetRootProjectRoute,
  gcpSetRootProjectRoute,
];
