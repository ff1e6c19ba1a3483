import type { ProviderHooks } from '../hooks.ts';
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { userPk } from '../../connections/repo.ts';
import { ELIGIBLE_SETTING } from '../../gcp-setup/steps/common.ts';
import { log } from '../../log.ts';
import { deleteLeases, readTokenDoc, revokeToken } from './tokens.ts';

/**
 * GCP for generic connection code: disconnect revokes the refresh token at Google (which also
 * invalidates its access tokens) before our copy is deleted; per-user leftovers (refresh leases,
 * a pending project selection) go with the last account. Revocation is one form POST
 * (tokens.ts, providerFetch), so no Google client library comes with a disconnect. The OAuth
 * routes' hooks (login.ts, oauth.ts) and the re-validation check are registered separately
 * (lib/connectors/hooks.ts, lib/connectors/checks.ts).
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
};
