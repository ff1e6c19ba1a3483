import '../../lazy-core.ts'; // one chunk for what the lazy code shares with its function (lib/lazy-core.ts)
import { checkFailure, type ConnectorCheck } from '../kit/behaviour.ts';
import { netdata } from './definition.ts';
import { apiOf, rejected } from './service.ts';

/** Live check with the stored token: it must still reach the connection's space. Changes nothing. */
export const check: ConnectorCheck = async (d, conn) => {
  try {
    const space = (await (await apiOf(d, conn)).spaces()).find((s) => s.id === conn.accountId);
    return space ? { ok: true, accountName: space.name } : { ok: false, kind: 'auth', reason: netdata.messages.spaceGone };
  } catch (e) {
    return checkFailure(e, { refused: rejected });
  }
};
