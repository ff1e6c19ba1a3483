import '../../lazy-core.ts'; // one chunk for what the lazy code shares with its function (lib/lazy-core.ts)
import { checkFailure, type ConnectorCheck } from '../kit/behaviour.ts';
import { cloudCurrentUser, dcCurrentUser } from './adapter.ts';
import { confluence } from './definition.ts';
import { credentialOf } from './tokens.ts';

/**
 * Live check: Cloud, the access token (refreshed ahead of expiry, and always for a reconnect) on
 * the connection's site; Data Center, the PAT on its instance. A refusal is the seed's
 * "Confluence credentials expired" with what to do; 5xx and timeouts a fault.
 */
export const check: ConnectorCheck = async (d, conn, { purpose }) => {
  try {
    const cred = await credentialOf(d, conn, { force: purpose === 'reconnect' });
    if (cred.kind === 'pat') await dcCurrentUser(d.config.confluence, cred.baseUrl, cred.token, { connecting: false });
    else await cloudCurrentUser(d.config.confluence, cred.cloudId, cred.token);
    return { ok: true };
  } catch (e) {
    return checkFailure(e, { refused: (err) => `${err.message}. ${confluence.messages.reconnect}` });
  }
};
