import '../../lazy-core.ts'; // one chunk for what the lazy code shares with its function (lib/lazy-core.ts)
import type { Deps } from '../../deps.ts';
import type { Connection } from '../../connections/types.ts';
import { ProviderUnavailableError } from '../../errors.ts';
import { providerFetch } from '../../provider-http.ts';
import { pagerdutyClient } from './oauth-start.ts';

/**
 * Disconnect: an OAuth connection's tokens are revoked at PagerDuty (RFC 7009, the refresh token
 * too when there is one, which ends the grant). An API access key is the user's own: PagerDuty's API
 * cannot delete it, so only our copy goes (the console says to delete the key in PagerDuty).
 */
export async function revoke(d: Deps, conn: Connection): Promise<void> {
  const doc = conn.secretRef ? (await d.secrets.get(conn.secretRef))?.reveal() : undefined;
  if (typeof doc?.access_token !== 'string') return;
  const client = pagerdutyClient(d);
  for (const [token, hint] of [[doc.refresh_token, 'refresh_token'], [doc.access_token, 'access_token']] as const) {
    if (typeof token !== 'string') continue;
    const r = await providerFetch(
      'PagerDuty',
      d.config.pagerduty.revokeUrl,
      {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
        body: new URLSearchParams({ token, token_type_hint: hint, client_id: client.clientId, client_secret: client.clientSecret!.reveal() }).toString(),
      },
      { timeoutMs: d.config.pagerduty.timeoutMs, attempts: d.config.pagerduty.attempts, idempotent: true },
    );
    if (r.status !== 200 && r.status !== 204) throw new ProviderUnavailableError(`PagerDuty answered HTTP ${r.status} to the token revocation`, { status: 502 });
  }
}
