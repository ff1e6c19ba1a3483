import '../../lazy-core.ts'; // one chunk for what the lazy code shares with its function (lib/lazy-core.ts)
import { checkFailure, type ConnectorCheck } from '../kit/behaviour.ts';
import { getMe } from './adapter.ts';
import type { OvhEndpoint } from './settings.ts';
import { freshAccessToken, refusedReason } from './tokens.ts';

/**
 * Live check: the access token (refreshed ahead of expiry; always refreshed for a reconnect or the
 * scheduled re-validation, which keeps the refresh token alive), then GET /me. Refusals are
 * `auth`; 5xx and timeouts a `fault`.
 */
export const check: ConnectorCheck = async (d, conn, { purpose }) => {
  try {
    const token = await freshAccessToken(d, conn, { force: purpose === 'reconnect' });
    await getMe(d.config.ovh, d.config.ovh.regions[conn.metadata.endpoint as OvhEndpoint], token);
    return { ok: true };
  } catch (e) {
    return checkFailure(e, { refused: refusedReason });
  }
};
