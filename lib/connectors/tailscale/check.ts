import '../../lazy-core.ts'; // one chunk for what the lazy code shares with its function (lib/lazy-core.ts)
import type { ConnectorCheck } from '../kit/behaviour.ts';
import { liveToken, toResult } from './service.ts';

/** Live check of one connection (mint a token, read the devices); changes nothing but the token ledger. */
export const check: ConnectorCheck = async (d, conn) => {
  try {
    await liveToken(d, conn);
    return { ok: true };
  } catch (e) {
    return toResult(e);
  }
};
