import * as z from 'zod';
import { defineRoute } from '../../http/define-route.ts';
import { empty } from '../../http/schemas.ts';
import { scaleway } from './definition.ts';

const uuid = (what: string) => z.string().regex(scaleway.uuidPattern, `must be a UUID (${what})`);

export const connectBody = z.strictObject({
  access_key: z.string().regex(scaleway.accessKeyPattern, 'must be "SCW" followed by 17 to 20 upper-case letters or digits'),
  secret_key: uuid('xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx'),
  organization_id: uuid('the organization id').optional(),
  project_id: uuid('the project id').optional(),
});

const statusResponse = z.object({
  connected: z.boolean(),
  provider: z.literal('scaleway'),
  status: z.literal('error').optional(),
  reason: z.string().optional(),
});

export const scalewayConnectRoute = defineRoute({
  id: 'scaleway.connect',
  method: 'POST',
  paths: ['/scaleway_api/scaleway/connect'],
  handler: 'functions/scaleway/connect.ts',
  auth: 'user',
  summary: 'Connect a Scaleway organisation with an API key (validated live; organisation and default project detected)',
  request: { body: connectBody },
  responses: {
    200: z.object({ success: z.literal(true), message: z.string(), organization_id: z.string(), projects_count: z.number().int() }),
  },
  errors: [400, 401, 403, 503],
  capabilities: ['table', 'secrets'],
  timeoutSeconds: 29,
});

export const scalewayProjectsRoute = defineRoute({
  id: 'scaleway.projects',
  method: 'GET',
  paths: ['/scaleway_api/scaleway/projects'],
  handler: 'functions/scaleway/projects.ts',
  auth: 'user',
  summary: 'Projects of the connected Scaleway organisation(s), listed live',
  request: {},
  responses: {
    200: z.object({ projects: z.array(z.object({ project_id: z.string(), name: z.string(), organization_id: z.string(), is_default: z.boolean() })) }),
  },
  errors: [401, 503],
  capabilities: ['table', 'secrets'],
  timeoutSeconds: 29,
});

export const scalewayStatusRoute = defineRoute({
  id: 'scaleway.status',
  method: 'GET',
  paths: ['/scaleway_api/scaleway/status'],
  handler: 'functions/scaleway/status.ts',
  auth: 'user',
  summary: 'Live check of the stored Scaleway key; a rejected key or a provider fault marks the connection error (credentials kept)',
  request: {},
  responses: { 200: statusResponse },
  capabilities: ['table', 'secrets'],
  timeoutSeconds: 29,
});

export const scalewayDisconnectRoute = defineRoute({
  id: 'scaleway.disconnect',
  method: 'POST',
  paths: ['/scaleway_api/scaleway/disconnect'],
  handler: 'functions/scaleway/disconnect.ts',
  auth: 'user',
  summary: 'Remove the Scaleway key from the secret store and the connection records',
  request: { body: empty },
  responses: { 200: z.object({ success: z.literal(true), message: z.string() }) },
  capabilities: ['table', 'secrets'],
});

export const scalewayRoutes = [scalewayConnectRoute, scalewayProjectsRoute, scalewayStatusRoute, scalewayDisconnectRoute];
