import * as z from 'zod';
import { defineRoute } from '../../http/define-route.ts';
import { CONNECTION_STATUSES } from '../../connections/types.ts';
import { azure } from './definition.ts';

const guid = (what: string) => z.string().regex(azure.guidPattern, `must be a GUID (${what})`);

export const azureLoginBody = z.strictObject({
  tenant_id: z.string().regex(azure.tenantPattern, 'must be the directory (tenant) id: a GUID or a domain such as contoso.onmicrosoft.com'),
  client_id: guid('the application (client) id'),
  client_secret: z.string().min(1, 'must not be empty').max(1024),
  subscription_id: guid('the subscription id').optional(),
  subscription_name: z.string().min(1).max(256).optional(),
});

export const azureLoginRoute = defineRoute({
  id: 'azure.login',
  method: 'POST',
  paths: ['/azure/login'],
  handler: 'functions/azure/login.ts',
  auth: 'user',
  summary: 'Connect an Azure subscription with a service principal (validated with Entra ID and ARM; the secret goes to the secret store only)',
  request: { body: azureLoginBody },
  responses: { 200: z.object({ message: z.string(), subscription_id: z.string(), subscription_name: z.string() }) },
  errors: [400, 401, 503],
  capabilities: ['table', 'secrets'],
  timeoutSeconds: 29,
});

export const azureStatusRoute = defineRoute({
  id: 'azure.status',
  method: 'GET',
  paths: ['/azure/status'],
  handler: 'functions/azure/status.ts',
  auth: 'user',
  summary: 'Live token + subscription check of the most recently connected subscription (or ?subscription_id=); a refusal or an outage marks it error, credentials kept',
  request: { query: z.strictObject({ subscription_id: guid('the subscription id').optional() }) },
  responses: {
    200: z.object({
      connected: z.boolean(),
      provider: z.literal('azure'),
      subscription_id: z.string().optional(),
      subscription_name: z.string().optional(),
      status: z.enum(CONNECTION_STATUSES).optional(),
      reason: z.string().optional(),
    }),
  },
  errors: [404],
  capabilities: ['table', 'secrets'],
  timeoutSeconds: 29,
});

export const azureRoutes = [azureLoginRoute, azureStatusRoute];
