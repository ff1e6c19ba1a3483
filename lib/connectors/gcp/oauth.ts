import '../../lazy-core.ts'; // one chunk for what the lazy code shares with its function (lib/lazy-core.ts)
import type { Deps } from '../../deps.ts';
import { saveConnection } from '../../connections/service.ts';
import { getConnection } from '../../connections/repo.ts';
import { ProviderUnavailableError } from '../../errors.ts';
import { log } from '../../log.ts';
import { OAuthRefusal } from '../../oauth/errors.ts';
import { finishOAuth, type CallbackInput, type CallbackOutcome, type OAuthCallbackHook, type OAuthFinish } from '../../oauth/flow.ts';
import { secret } from '../../secret-value.ts';
import type { SecretDocument } from '../../secrets/port.ts';
import { startSetup } from './setup.ts';
import { gcpOAuth } from './login.ts';
import { exchangeCode, readTokenDoc, revokeToken, type GcpTokenDoc } from './tokens.ts';
import { userinfo } from './userinfo.ts';
import { isGoogleApiError } from './errors.ts';

/** Google's API errors during the flow are faults for the frontend: "try again". */
async function google<T>(what: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    if (isGoogleApiError(e)) {
      log.warn(`gcp callback: Google failed (${what})`, { error: e });
      throw new ProviderUnavailableError(`Google did not answer the ${what}`);
    }
    throw e;
  }
}

/**
 * After consent: the code with its PKCE verifier → the token set; the account email from
 * userinfo; then the token set in the secret store, a pending connection, and the setup workflow,
 * whose task id the frontend polls (`login=gcp_setup_pending&task_id=`).
 */
export const gcpOAuthFinish: OAuthFinish<GcpTokenDoc> = {
  exchange: (d, _client, grant) => google('token exchange', () => exchangeCode(d.config.gcp, grant, d.now())),

  async identify(d, _client, doc) {
    const cfg = d.config.gcp;
    const who = await google('userinfo request', () => userinfo({ cfg, auth: { token: async () => secret(doc.access_token) } }));
    if (!who.email) {
      await revokeToken(cfg, doc.refresh_token ?? doc.access_token).catch(() => undefined);
      throw new OAuthRefusal('no_email', 'Google returned no email for the account');
    }
    return { accountId: who.email, accountName: who.email };
  },

  async complete(d, { userId, tokens, identity }): Promise<Record<string, string>> {
    let doc = tokens;
    if (!doc.refresh_token) {
      // Google only omits it when consent was not forced; a reconnect may keep the one we hold.
      const previous = await getConnection(d.db, { userId, provider: 'gcp', accountId: identity.accountId });
      const kept = previous?.secretRef ? readTokenDoc(await d.secrets.get(previous.secretRef))?.refresh_token : undefined;
      if (!kept) throw new OAuthRefusal('no_refresh_token', 'Google returned no refresh token');
      doc = { ...doc, refresh_token: kept };
    }
    await saveConnection(d, {
      userId,
      provider: 'gcp',
      accountId: identity.accountId,
      accountName: identity.accountName,
      status: 'pending',
      statusReason: 'GCP setup in progress',
      metadata: { email: identity.accountId },
      secret: secret(doc as unknown as SecretDocument),
      action: 'connect',
    });
    try {
      return { login: 'gcp_setup_pending', task_id: await startSetup(d, { userId, accountId: identity.accountId }) };
    } catch (e) {
      log.error('gcp setup could not start', { error: e });
      return { login: 'gcp_failed', reason: 'setup_start_failed' };
    }
  },
};

/** GET /callback (and its aliases, and GET /api/auth/gcp/callback). */
export const handleGcpCallback = (d: Deps, input: CallbackInput): Promise<CallbackOutcome> => finishOAuth(d, gcpOAuth, gcpOAuthFinish, input);

/** GET /api/auth/gcp/callback through the generic route (lib/connectors/oauth.ts loads it by this name). */
export const oauthCallback: OAuthCallbackHook = handleGcpCallback;
