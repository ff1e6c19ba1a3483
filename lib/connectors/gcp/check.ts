import '../../lazy-core.ts'; // one chunk for what the lazy code shares with its function (lib/lazy-core.ts)
import { ProviderAuthError, ProviderUnavailableError } from '../../errors.ts';
import { checkFailure, type ConnectorCheck } from '../kit/behaviour.ts';
import { isGoogleApiError, REAUTH_MESSAGE } from './errors.ts';
import { billingOrFalse } from './service.ts';
import { rootProjectOf } from './root-project.ts';
import { userAccessToken, userGoogleCtx } from './tokens.ts';
import { userinfo } from './userinfo.ts';

const SETUP_INCOMPLETE = 'The GCP setup did not complete; log in to GCP again';

/**
 * Live check of the stored Google credentials. A connection whose setup never finished (no service
 * accounts on the record) is not usable whatever its token says. For a status, the token must
 * still work now (a 401 renews it once through the refresh engine) and the root project's billing
 * is read for the status fields; a reconnect or the scheduled re-validation forces a refresh,
 * which also keeps the refresh token alive. A refused refresh is `auth`
 * ("No refresh token available. Please re-authenticate."); Google failing is a `fault`.
 */
export const check: ConnectorCheck = async (d, conn, { purpose }) => {
  if (typeof conn.metadata.full_sa_email !== 'string') return { ok: false, kind: 'auth', reason: conn.status === 'error' && conn.statusReason ? conn.statusReason : SETUP_INCOMPLETE };
  const ctx = userGoogleCtx(d, conn);
  try {
    if (purpose !== 'status') {
      // the refresh engine records nothing here: the caller records the result
      await userAccessToken(d, conn, { force: true, recordFailure: false });
      return { ok: true };
    }
    const root = await rootProjectOf(d, conn.userId, conn.metadata.root_project);
    // Either call proves the token works now.
    if (!root) await userinfo(ctx);
    const hasBilling = root ? await billingOrFalse(ctx, root) : false;
    return { ok: true, fields: { project_id: root, has_billing: hasBilling } };
  } catch (e) {
    const err = isGoogleApiError(e) ? (e.status === 401 ? new ProviderAuthError(REAUTH_MESSAGE) : new ProviderUnavailableError(e.message)) : e;
    return checkFailure(err, { refused: (x) => x.message });
  }
};
