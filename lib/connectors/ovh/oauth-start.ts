import '../../lazy-core.ts'; // one chunk for what the lazy code shares with its function (lib/lazy-core.ts)
import type { Deps } from '../../deps.ts';
import { BadRequestError } from '../../errors.ts';
import { startOAuth, type OAuthStart, type OAuthStartHook, type StartedFlow } from '../../oauth/flow.ts';
import { OVH_ENDPOINTS, type OvhEndpoint } from './settings.ts';
import { oauthRegion } from './adapter.ts';

const isEndpoint = (v: unknown): v is OvhEndpoint => (OVH_ENDPOINTS as readonly unknown[]).includes(v);

/**
 * OVHcloud as an OAuth connector (the flow: lib/oauth/flow.ts): one confidential client per
 * region, each with its own authorize and token hosts; the region chosen at the start travels
 * with the state, so the callback redeems the code where it was issued. PKCE S256.
 */
export const ovhOAuth: OAuthStart = {
  provider: 'ovh',
  pkce: true,
  // the original frontends read the failure from `error=`
  legacyReasonParams: ['error'],
  client(d, region) {
    if (!isEndpoint(region)) throw new BadRequestError(`endpoint: must be one of ${OVH_ENDPOINTS.join(', ')}`, { code: 'validation_error', field: 'endpoint' });
    const r = oauthRegion(d.config.ovh, d.config.core.backendUrl, region);
    return { clientId: r.clientId, clientSecret: r.clientSecret, authUrl: r.authUrl, tokenUrl: r.tokenUrl, redirectUri: r.redirectUri };
  },
  authorize: (d) => ({ scope: d.config.ovh.scope }),
};

/** POST /ovh_api/ovh/oauth2/initiate and GET /api/auth/ovh[?endpoint=ovh-ca] (EU unless asked). */
export const ovhLogin = (d: Deps, userId: string, endpoint: string = 'ovh-eu'): Promise<StartedFlow> => startOAuth(d, ovhOAuth, userId, endpoint);

/** GET /api/auth/ovh[?endpoint=ovh-ca] (lib/connectors/oauth.ts loads it by this name). */
export const oauthStart: OAuthStartHook = (d, userId, query) => ovhLogin(d, userId, query.endpoint);
