import * as z from '../zod.ts';
import type { RouteDef } from './route-types.ts';

/** GET /api/connectors: the console's catalogue (lib/connectors/catalogue.ts builds it from the list). */
const catalogueField = /* @__PURE__ */ z.deferred(() => z.object({
  name: z.string(),
  label: z.string(),
  secret: z.boolean(),
  required: z.boolean(),
  pattern: z.optional(z.string()),
  example: z.optional(z.string()),
  description: z.string(),
  max_length: z.optional(z.int()),
}));
const address = /* @__PURE__ */ z.deferred(() => z.object({ method: z.enum(['GET', 'POST', 'PUT', 'DELETE', 'PATCH']), path: z.string() }));

export const catalogueResponse = /* @__PURE__ */ z.deferred(() => z.object({
  connectors: z.array(
    z.object({
      id: z.string(),
      name: z.string(),
      kind: z.enum(['cloud', 'tool', 'cluster']),
      auth_kind: z.string(),
      enabled: z.boolean(),
      fields: z.array(catalogueField),
      connect: z.optional(address),
      oauth: z.optional(z.extend(address, { url_field: z.string() })),
      onboarding: z.optional(address),
      status_path: z.string(),
      disconnect_path: z.string(),
      reconnect_path: z.string(),
      account_id_label: z.string(),
      clis: z.array(z.string()),
      legacy_paths: z.array(z.string()),
      /** alert webhooks: where the tool posts, where to read what to configure, where to have the tool's API create it */
      webhook: z.optional(z.object({ delivery_path: z.string(), setup_path: z.string(), create_path: z.optional(z.string()) })),
    }),
  ),
}));

export const catalogueRoute = {
  id: 'connectors.catalogue',
  method: 'GET',
  paths: ['/api/connectors'],
  handler: 'functions/connectors/catalogue.ts',
  auth: 'user',
  summary: 'Every connector with what the console builds its cards and forms from: form fields (secret ones marked), routes, and whether its feature flag is on',
  request: {},
  responses: { 200: catalogueResponse },
  capabilities: [],
} satisfies RouteDef;
