import '../../lazy-core.ts'; // one chunk for what the lazy code shares with its function (lib/lazy-core.ts)
import { checkFailure, type ConnectorCheck } from '../kit/behaviour.ts';
import { accountIdOf, apiOf, locationOfConnection, rejected } from './service.ts';

/** Live check with the stored token: it must still reach the same organisation. Changes nothing. */
export const check: ConnectorCheck = async (d, conn) => {
  try {
    const org = await (await apiOf(d, conn)).org();
    if (accountIdOf(locationOfConnection(conn), org.id) !== conn.accountId) return { ok: false, kind: 'auth', reason: 'The stored Grafana token now belongs to another organisation; reconnect Grafana' };
    return { ok: true };
  } catch (e) {
    return checkFailure(e, { refused: rejected });
  }
};
