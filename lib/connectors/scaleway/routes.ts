import * as z from '../../zod.ts';
import { defineRoute } from '../../http/define-route.ts';

export const scalewayProjectsRoute = /* @__PURE__ */ defineRoute({
  id: 'scaleway.projects',
  method: 'GET',
  paths: ['/scaleway_api/scaleway/projects'],
  handler: 'functions/scaleway/projects.ts',
  auth: 'user',
  summary: 'Projects of the connected Scaleway organisation(s), listed live',
  request: {},
  responses: {
    200: /* @__PURE__ */ z.deferred(() => z.object({ projects: z.array(z.object({ project_id: z.string(), name: z.string(), organization_id: z.string(), is_default: z.boolean() })) })),
  },
  errors: [401, 503],
  capabilities: ['table', 'secrets'],
  timeoutSeconds: 29,
});

/** Scaleway's own routes; connect, status and disconnect are generic (lib/connectors/scaleway/connector.ts). */
export const scalewayRoutes = [scalewayProjectsRoute];
