import { describe, expect, it } from 'vitest';
import { load } from '../../lib/config.ts';
import type { Deps } from '../../lib/deps.ts';
import { authorizationUrl } from '../../lib/oauth/flow.ts';
import { ovhOAuth } from '../../lib/connectors/ovh/oauth-start.ts';
import { oauthRegion } from '../../lib/connectors/ovh/adapter.ts';

describe('OVH settings', () => {
  it('defaults to the real regional hosts', () => {
    const { regions } = load({}).ovh;
    expect(regions['ovh-eu']).toMatchObject({ authUrl: 'https://www.ovh.com/auth/oauth2/authorize', tokenUrl: 'https://www.ovh.com/auth/oauth2/token', apiUrl: 'https://eu.api.ovh.com/1.0' });
    expect(regions['ovh-ca']).toMatchObject({ authUrl: 'https://ca.ovh.com/auth/oauth2/authorize', tokenUrl: 'https://ca.ovh.com/auth/oauth2/token', apiUrl: 'https://ca.api.ovh.com/1.0' });
    expect(regions['ovh-us']).toMatchObject({ authUrl: 'https://us.ovhcloud.com/auth/oauth2/authorize', tokenUrl: 'https://us.ovhcloud.com/auth/oauth2/token', apiUrl: 'https://api.us.ovhcloud.com/1.0' });
  });

  it('keeps the client secret wrapped', () => {
    const c = load({ OVH_EU_CLIENT_ID: 'id', OVH_EU_CLIENT_SECRET: 'the-eu-client-secret' }).ovh;
    expect(JSON.stringify(c)).not.toContain('the-eu-client-secret');
    expect(c.regions['ovh-eu'].clientSecret?.reveal()).toBe('the-eu-client-secret');
  });

  it('refuses unset credentials naming the settings of that region', () => {
    const c = load({ OVH_EU_CLIENT_ID: 'id' });
    expect(() => oauthRegion(c.ovh, c.core.backendUrl, 'ovh-eu')).toThrow('OAuth2 credentials not configured for ovh-eu: set OVH_EU_CLIENT_ID and OVH_EU_CLIENT_SECRET');
    expect(() => oauthRegion(c.ovh, c.core.backendUrl, 'ovh-us')).toThrow(/OVH_US_CLIENT_ID/);
  });

  it('builds the redirect URI from BACKEND_URL and insists on HTTPS unless the simulator allows HTTP', () => {
    const creds = { OVH_CA_CLIENT_ID: 'id', OVH_CA_CLIENT_SECRET: 'sec' };
    const https = load({ ...creds, BACKEND_URL: 'https://api.example.com' });
    expect(oauthRegion(https.ovh, https.core.backendUrl, 'ovh-ca').redirectUri).toBe('https://api.example.com/ovh_api/ovh/oauth2/callback');
    const http = load(creds);
    expect(() => oauthRegion(http.ovh, http.core.backendUrl, 'ovh-ca')).toThrow(/OVH only accepts HTTPS redirect URIs.*BACKEND_URL.*OVH_CA_REDIRECT_URI/);
    const explicit = load({ ...creds, OVH_CA_REDIRECT_URI: 'http://example.com/cb' });
    expect(() => oauthRegion(explicit.ovh, explicit.core.backendUrl, 'ovh-ca')).toThrow(/from OVH_CA_REDIRECT_URI/);
    const sim = load({ ...creds, OVH_ALLOW_HTTP_REDIRECT: 'true' });
    expect(oauthRegion(sim.ovh, sim.core.backendUrl, 'ovh-ca').redirectUri).toBe('http://localhost:5080/ovh_api/ovh/oauth2/callback');
  });

  it('authorization URL: code flow with PKCE S256, the configured scope and the region client', () => {
    const c = load({ OVH_EU_CLIENT_ID: 'eu-id', OVH_EU_CLIENT_SECRET: 's', OVH_EU_REDIRECT_URI: 'https://x.example/ovh_api/ovh/oauth2/callback' });
    const d = { config: c } as Deps;
    const u = new URL(authorizationUrl(d, ovhOAuth, ovhOAuth.client(d, 'ovh-eu'), 'ovh-eu', { state: 'st', codeChallenge: 'ch' }));
    expect(`${u.origin}${u.pathname}`).toBe('https://www.ovh.com/auth/oauth2/authorize');
    expect(Object.fromEntries(u.searchParams)).toEqual({ response_type: 'code', client_id: 'eu-id', redirect_uri: 'https://x.example/ovh_api/ovh/oauth2/callback', scope: 'all', state: 'st', code_challenge: 'ch', code_challenge_method: 'S256' });
  });
});
