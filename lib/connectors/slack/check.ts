import '../../lazy-core.ts'; // one chunk for what the lazy code shares with its function (lib/lazy-core.ts)
import { checkFailure, type ConnectorCheck } from '../kit/behaviour.ts';
import { authTest } from './adapter.ts';
import { slack } from './definition.ts';
import { requireToken } from './service.ts';

/**
 * Live check: auth.test with the stored bot token. An app removed from the workspace, or a token
 * revoked, answers `ok: false` (invalid_auth, token_revoked, account_inactive); the team and bot
 * user shown come from this answer.
 */
export const check: ConnectorCheck = async (d, conn) => {
  try {
    const who = await authTest(d.config.slack, await requireToken(d, conn));
    if (who.teamId !== conn.accountId) return { ok: false, kind: 'auth', reason: slack.messages.otherTeam };
    return {
      ok: true,
      accountName: who.team,
      metadata: { team: who.team, bot_user: who.botUser || null, bot_user_id: who.botUserId || null },
      fields: { team: who.team, ...(who.botUser ? { bot_user: who.botUser } : {}), ...(who.botUserId ? { bot_user_id: who.botUserId } : {}) },
    };
  } catch (e) {
    return checkFailure(e, { refused: (err) => err.message });
  }
};
