import { describe, expect, it } from 'vitest';
import { routes } from '../../lib/http/routes.ts';
import { CONNECTORS } from '../../lib/connectors/index.ts';
import { compileRoutes, matchRoute } from '../../lib/local/gateway.ts';

/**
 * Every method and path the route table served before connectors became data (the table as it
 * was, listed by hand), still served with the same template, plus the routes the connector list
 * adds: for each connector its status and reconnect routes, and the catalogue.
 */
const BEFORE = [
  'GET /api/user_connections',
  'DELETE /api/user_connections',
  'GET /api/user/connected-providers',
  'GET /api/user/provider-preference',
  'PUT /api/user/provider-preference',
  'DELETE /api/auth/{provider}/disconnect',
  'GET /aws/onboarding',
  'POST /aws/auth',
  'GET /aws/status',
  'GET /aws/get-credentials',
  'POST /azure/login',
  'GET /azure/status',
  'POST /gcp/login',
  'POST /login',
  'GET /api/auth/{provider}',
  'GET /callback',
  'GET /gcp/callback',
  'GET /api/auth/gcp/callback',
  'GET /api/auth/{provider}/callback',
  'GET /gcp/setup/status/{task_id}',
  'POST /gcp/post-auth-retry',
  'GET /gcp/status',
  'GET /api/gcp/projects',
  'GET /api/gcp/root-project',
  'POST /api/gcp/root-project',
  'POST /api/gcp/force-disconnect',
  'POST /scaleway_api/scaleway/connect',
  'GET /scaleway_api/scaleway/projects',
  'GET /scaleway_api/scaleway/status',
  'POST /scaleway_api/scaleway/disconnect',
  'POST /tailscale_api/tailscale/connect',
  'GET /tailscale_api/tailscale/status',
  'GET /tailscale_api/tailscale/ssh-setup',
  'POST /tailscale_api/tailscale/disconnect',
  'POST /ovh_api/ovh/oauth2/initiate',
  'GET /ovh_api/ovh/oauth2/callback',
  'GET /api/auth/ovh/callback',
  'GET /ovh_api/ovh/status',
  'POST /ovh_api/ovh/disconnect',
  'POST /api/cloud_tool',
  'POST /api/cloud_tool/confirmations/{id}/cancel',
];

const served = new Set(routes.flatMap((r) => r.paths.map((p) => `${r.method} ${p}`)));

describe('the route table', () => {
  it('still serves every method and path it served before', () => {
    expect(BEFORE.filter((k) => !served.has(k))).toEqual([]);
  });

  it('adds the catalogue and, for every connector, its status and reconnect routes', () => {
    const added = ['GET /api/connectors', ...CONNECTORS.flatMap((c) => [`GET /api/connectors/${c.id}/status`, `POST /api/connectors/${c.id}/reconnect`])];
    expect(added.filter((k) => !served.has(k))).toEqual([]);
  });

  it('routes each connector id of DELETE /api/auth/{provider}/disconnect and the status path of each to one function', () => {
    const compiled = compileRoutes(routes);
    for (const c of CONNECTORS) {
      expect(matchRoute(compiled, 'DELETE', `/api/auth/${c.id}/disconnect`).match?.c.route.id).toBe('connections.providerDisconnect');
      const status = matchRoute(compiled, 'GET', `/api/connectors/${c.id}/status`).match?.c.route;
      expect(status?.id).toBe(`${c.id}.status`);
      for (const alias of c.legacy?.status ?? []) expect(matchRoute(compiled, 'GET', alias).match?.c.route).toBe(status);
    }
  });
});
