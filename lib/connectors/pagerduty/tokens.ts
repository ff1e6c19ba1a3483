import type { Deps } from '../../deps.ts';
import type { Connection } from '../../connections/types.ts';
import { ProviderAuthError } from '../../errors.ts';
import { freshAccessToken, type StoredTokens } from '../../oauth/refresh.ts';
import { expiresAt, tokenRequest, type TokenSet } from '../../oauth/token.ts';
import { secret } from '../../secret-value.ts';
import { secretPath } from '../../secrets/port.ts';
import type { PagerDutyCredential } from './adapter.ts';
import { pagerdutyClient } from './oauth-start.ts';

/** What an OAuth connection keeps in the secret store (an API-token connection keeps `api_token`, its form field). */
export interface PagerDutyTokens extends StoredTokens {
  token_type?: string;
  scope?: string;
}

/** Tokens as we keep them; PagerDuty's classic tokens do not expire, and then we never refresh. */
export function storedTokens(t: TokenSet, nowMs: number): PagerDutyTokens {
  return {
    access_token: t.access_token,
    ...(t.refresh_token ? { refresh_token: t.refresh_token } : {}),
    expires_at: t.expires_in ? expiresAt(t, nowMs) : Number.MAX_SAFE_INTEGER,
    ...(t.token_type ? { token_type: t.token_type } : {}),
    ...(t.scope ? { scope: t.scope } : {}),
  };
}

export const tokenEndpoint = (d: Deps) => {
  const c = pagerdutyClient(d);
  return { provider: 'PagerDuty', tokenUrl: c.tokenUrl, clientId: c.clientId, clientSecret: c.clientSecret, timeoutMs: d.config.pagerduty.timeoutMs, attempts: d.config.pagerduty.attempts };
};

/**
 * The credential a connection calls PagerDuty with: its API token as stored, or its OAuth access
 * token, refreshed ahead of expiry with the rotated tokens written first (lib/oauth/refresh.ts).
 */
export async function credentialOf(d: Deps, conn: Connection): Promise<PagerDutyCredential> {
  const doc = conn.secretRef ? (await d.secrets.get(conn.secretRef))?.reveal() : undefined;
  if (typeof doc?.api_token === 'string') return { kind: 'api_token', token: secret(doc.api_token) };
  if (typeof doc?.access_token !== 'string') throw new ProviderAuthError('The stored PagerDuty credential is missing; connect PagerDuty again', { status: 401, code: 'credentials_missing' });
  const token = await freshAccessToken<PagerDutyTokens>({
    provider: 'PagerDuty',
    load: async () => {
      const now = conn.secretRef ? (await d.secrets.get(conn.secretRef))?.reveal() : undefined;
      return now && typeof now.access_token === 'string' ? (now as unknown as PagerDutyTokens) : null;
    },
    // the same path, so the record's reference stays valid
    save: async (next) => void (await d.secrets.put(secretPath(conn.userId, 'pagerduty', conn.accountId), secret({ ...next }))),
    refresh: async (refreshToken) => storedTokens(await tokenRequest(tokenEndpoint(d), { grant_type: 'refresh_token', refresh_token: refreshToken }), d.now()),
    skewMs: d.config.pagerduty.refreshSkewSeconds * 1000,
    nowMs: d.now(),
  });
  return { kind: 'oauth', token };
}
