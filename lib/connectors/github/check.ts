import '../../lazy-core.ts'; // one chunk for what the lazy code shares with its function (lib/lazy-core.ts)
import { checkFailure, type ConnectorCheck } from '../kit/behaviour.ts';
import { getUser } from './adapter.ts';
import { github } from './definition.ts';
import { requireToken } from './service.ts';

/**
 * Live check: GET /user with the stored token. A token revoked at GitHub (the user removed the
 * app, or an admin did) answers 401; a token of another account means the record no longer says
 * who it is. The login, name and scopes shown come from this answer, so a rename or a narrowed
 * scope shows at once.
 */
export const check: ConnectorCheck = async (d, conn) => {
  try {
    const user = await getUser(d.config.github, await requireToken(d, conn));
    if (user.id !== conn.accountId) return { ok: false, kind: 'auth', reason: github.messages.otherAccount };
    const scopes = user.scopes.join(',');
    return { ok: true, accountName: user.login, metadata: { login: user.login, name: user.name, scopes }, fields: { login: user.login, scopes, ...(user.name ? { name: user.name } : {}) } };
  } catch (e) {
    return checkFailure(e, { refused: (err) => err.message });
  }
};
