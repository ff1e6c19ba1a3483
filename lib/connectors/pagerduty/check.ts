import '../../lazy-core.ts'; // one chunk for what the lazy code shares with its function (lib/lazy-core.ts)
import { checkFailure, type ConnectorCheck } from '../kit/behaviour.ts';
import { pagerdutyApi } from './adapter.ts';
import { credentialOf } from './tokens.ts';

/**
 * Live check: the stored API token or OAuth access token (refreshed ahead of expiry) must still
 * reach the connection's account. Changes nothing but a refreshed token.
 */
export const check: ConnectorCheck = async (d, conn) => {
  try {
    const who = await pagerdutyApi(d.config.pagerduty, await credentialOf(d, conn)).account();
    if (who.subdomain !== conn.accountId) return { ok: false, kind: 'auth', reason: `The stored PagerDuty credential now reaches the account ${who.subdomain}; reconnect PagerDuty` };
    return { ok: true };
  } catch (e) {
    return checkFailure(e, { refused: (err) => `${err.message.replace(/;.*$/, '')}; reconnect PagerDuty` });
  }
};
