import '../../lazy-core.ts'; // one chunk for what the lazy code shares with its function (lib/lazy-core.ts)
import { checkFailure, type ConnectorCheck } from '../kit/behaviour.ts';
import { apiOf, rejected } from './service.ts';

/**
 * Live check of one connection with its stored keys: the API key (validate), then the application
 * key, which must still reach the same organisation. Changes nothing.
 */
export const check: ConnectorCheck = async (d, conn) => {
  try {
    const api = await apiOf(d, conn);
    await api.validate();
    const who = await api.identity();
    if (who.orgId !== conn.accountId) return { ok: false, kind: 'auth', reason: 'The stored Datadog keys now belong to another organisation; reconnect Datadog' };
    return { ok: true, accountName: who.orgName };
  } catch (e) {
    return checkFailure(e, { refused: rejected });
  }
};
