import type { Deps } from '../../deps.ts';
import type { Connection } from '../../connections/types.ts';
import { ProviderAuthError } from '../../errors.ts';
import { OAuthRefusal } from '../../oauth/errors.ts';
import { freshAccessToken, type StoredTokens } from '../../oauth/refresh.ts';
import { expiresAt, tokenRequest, type TokenEndpoint, type TokenSet } from '../../oauth/token.ts';
import { secret, type SecretValue } from '../../secret-value.ts';
import { secretPath } from '../../secrets/port.ts';
import { confluence } from './definition.ts';
import { atlassianClient } from './oauth-start.ts';

export interface ConfluenceTokens extends StoredTokens {
  scope?: string;
}

export const storedTokens = (t: TokenSet, nowMs: number): ConfluenceTokens => ({
  access_token: t.access_token,
  ...(t.refresh_token ? { refresh_token: t.refresh_token } : {}),
  expires_at: expiresAt(t, nowMs),
  ...(t.scope ? { scope: t.scope } : {}),
});

/** Atlassian's token endpoint takes JSON bodies with the client credentials in them. */
export function tokenEndpoint(d: Deps): TokenEndpoint {
  const c = atlassianClient(d);
  return { provider: 'Atlassian', tokenUrl: c.tokenUrl, clientId: c.clientId, clientSecret: c.clientSecret, body: 'json', clientAuth: 'post', timeoutMs: d.config.confluence.timeoutMs, attempts: d.config.confluence.attempts };
}

export type ConfluenceCredential = { kind: 'oauth'; token: SecretValue<string>; cloudId: string } | { kind: 'pat'; token: SecretValue<string>; baseUrl: string };

const readDoc = async (d: Deps, conn: Connection) => (conn.secretRef ? (await d.secrets.get(conn.secretRef))?.reveal() : undefined);

/**
 * The credential a connection calls Confluence with. A PAT as stored. A Cloud access token while
 * it is fresh; near expiry (or always, for a reconnect) it is refreshed, and because Atlassian
 * rotates the refresh token on every use, the new pair is written to the secret store before the
 * access token is handed out (lib/oauth/refresh.ts, which also survives a concurrent refresh).
 * A refused refresh is the seed's "Confluence credentials expired".
 */
export async function credentialOf(d: Deps, conn: Connection, opts: { force?: boolean } = {}): Promise<ConfluenceCredential> {
  const doc = await readDoc(d, conn);
  if (conn.metadata.auth_type === 'pat') {
    if (typeof doc?.pat_token !== 'string') throw new ProviderAuthError(`${confluence.messages.expired}: the stored PAT is missing`, { status: 401, code: 'credentials_missing' });
    return { kind: 'pat', token: secret(doc.pat_token), baseUrl: String(conn.metadata.base_url) };
  }
  try {
    const token = await freshAccessToken<ConfluenceTokens>({
      provider: 'Confluence',
      load: async () => {
        const now = await readDoc(d, conn);
        return now && typeof now.access_token === 'string' ? (now as unknown as ConfluenceTokens) : null;
      },
      save: async (next) => void (await d.secrets.put(secretPath(conn.userId, 'confluence', conn.accountId), secret({ ...next }))),
      refresh: async (refreshToken) => storedTokens(await tokenRequest(tokenEndpoint(d), { grant_type: 'refresh_token', refresh_token: refreshToken }), d.now()),
      skewMs: opts.force ? Number.POSITIVE_INFINITY : d.config.confluence.refreshSkewSeconds * 1000,
      nowMs: d.now(),
    });
    return { kind: 'oauth', token, cloudId: conn.accountId };
  } catch (e) {
    if (e instanceof OAuthRefusal || e instanceof ProviderAuthError) throw new ProviderAuthError(confluence.messages.expired, { status: 401, code: 'credentials_expired' });
    throw e;
  }
}
