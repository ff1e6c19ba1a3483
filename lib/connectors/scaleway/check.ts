import '../../lazy-core.ts'; // one chunk for what the lazy code shares with its function (lib/lazy-core.ts)
import { checkFailure, type ConnectorCheck } from '../kit/behaviour.ts';
import { scalewayApi } from './adapter.ts';
import { rejectedKey, secretKeyOf } from './service.ts';

/**
 * Live check of one connection with its stored key (the API key lookup); changes nothing. A
 * refusal (401/403/unknown key) is `auth`; a 5xx, timeout or garbled answer is a `fault`.
 */
export const check: ConnectorCheck = async (d, conn) => {
  const key = await secretKeyOf(d, conn);
  if (!key) return { ok: false, kind: 'auth', reason: 'The stored Scaleway credentials are missing; reconnect' };
  try {
    await scalewayApi(d.config.scaleway, key).apiKey(String(conn.metadata.access_key));
    return { ok: true };
  } catch (e) {
    return checkFailure(e, { refused: rejectedKey });
  }
};
