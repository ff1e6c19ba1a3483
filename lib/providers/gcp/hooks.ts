import type { ProviderHooks } from '../hooks.ts';
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { userPk } from '../../connections/repo.ts';
import { ELIGIBLE_SETTING } from '../../gcp-setup/steps/common.ts';
import { log } from '../../log.ts';
import { gcpLoginUrl } from './login.ts';
import { handleGcpCallback } from './oauth.ts';
import { deleteLeases, probeRefresh, readTokenDoc, revokeToken } from './tokens.ts';

/**
 * GCP for generic connection code: disconnect revokes the refresh token at Google (which also
 * invalidates its access tokens) before our copy is deleted; per-user leftovers (refresh leases,
 * a pending project selection) go with the last account. Re-validation refreshes the token.
 */
export const gcpHooks: ProviderHooks = {
  async revoke(d, conn) {
    if (!conn.secretRef) return;
    const doc = readTokenDoc(await d.secrets.get(conn.secretRef));
    const token = doc?.refresh_token ?? doc?.access_token;
    if (token) await revokeToken(d.config.gcp, token);
  },
  async cleanupUser(d, userId) {
    await deleteLeases(d, userId);
    await d.db.doc.send(new DeleteCommand({ TableName: d.db.table, Key: { pk: userPk(userId), sk: `SETTING#${ELIGIBLE_SETTING}` } })).catch((e) => log.warn('could not drop the pending gcp selection', { error: e }));
  },
  async check(d, conn) {
    const r = await probeRefresh(d, conn);
    if (r === 'ok') return { ok: true };
    return { ok: false, kind: r, reason: r === 'auth' ? 'No refresh token available. Please re-authenticate.' : 'Google OAuth is unavailable' };
  },
  oauthStart: (d, userId) => gcpLoginUrl(d, userId),
  oauthCallback: (d, query, principal) => handleGcpCallback(d, query, principal),
};
