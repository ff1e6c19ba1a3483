import type { Deps } from '../../deps.ts';
import { saveConnection } from '../../connections/service.ts';
import { getConnection } from '../../connections/repo.ts';
import { BadRequestError, ProviderUnavailableError } from '../../errors.ts';
import { log } from '../../log.ts';
import { consumeOAuthState } from '../../oauth/state.ts';
import { secret } from '../../secret-value.ts';
import type { SecretDocument } from '../../secrets/port.ts';
import { startSetup } from './setup.ts';
import { exchangeCode, readTokenDoc, revokeToken, type GcpTokenDoc } from './tokens.ts';
import { userinfo } from './userinfo.ts';
import { isGoogleApiError } from './errors.ts';

export interface CallbackQuery {
  code?: string;
  state?: string;
  error?: string;
}

const REASON = /^[a-z0-9_.-]{1,64}$/i;

function frontRedirect(d: Deps, params: Record<string, string>): string {
  const url = new URL(d.config.core.frontUrl);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url.toString();
}

const failed = (d: Deps, reason: string) => frontRedirect(d, { login: 'gcp_failed', reason: REASON.test(reason) ? reason : 'oauth_error' });

/**
 * GET /callback: consume the state exactly once, exchange the code with its PKCE verifier, read
 * the account email, store the token set (secret store) and a pending connection, start the
 * setup and send the browser to the frontend with the task id. Request faults (no code, bad
 * state) answer 400; provider refusals and faults redirect with a reason. Nothing is stored
 * unless every check passed.
 */
export async function handleGcpCallback(d: Deps, q: CallbackQuery, principal: { userId: string } | null): Promise<string> {
  if (q.error) {
    // The user declined (or Google refused): burn the state so it cannot be replayed.
    if (q.state) await consumeOAuthState(d.db, q.state, 'gcp', d.now());
    return failed(d, q.error);
  }
  if (!q.code) throw new BadRequestError('Authorization code not provided', { code: 'missing_code', field: 'code' });
  const st = await consumeOAuthState(d.db, q.state, 'gcp', d.now());
  if (!st.ok) {
    log.warn('gcp callback with an unusable state', { reason: st.reason });
    throw new BadRequestError('Invalid, expired or already used OAuth state; start the GCP login again', { code: 'invalid_state', field: 'state' });
  }
  const userId = st.record.userId;
  if (principal && principal.userId !== userId) {
    log.warn('gcp callback state belongs to another user');
    throw new BadRequestError('Invalid, expired or already used OAuth state; start the GCP login again', { code: 'invalid_state', field: 'state' });
  }
  const cfg = d.config.gcp;
  let doc: GcpTokenDoc;
  let email: string;
  try {
    const ex = await exchangeCode(cfg, { code: q.code, codeVerifier: st.record.codeVerifier, redirectUri: st.record.redirectUri }, d.now());
    if (!ex.ok) return failed(d, ex.reason);
    doc = ex.doc;
    const who = await userinfo({ cfg, auth: { token: async () => secret(doc.access_token) } });
    if (!who.email) {
      await revokeToken(cfg, doc.refresh_token ?? doc.access_token).catch(() => undefined);
      return failed(d, 'no_email');
    }
    email = who.email;
  } catch (e) {
    if (e instanceof ProviderUnavailableError || isGoogleApiError(e)) {
      log.warn('gcp callback: Google failed', { error: e });
      return failed(d, 'provider_unavailable');
    }
    throw e;
  }
  if (!doc.refresh_token) {
    // Google only omits it when consent was not forced; a reconnect may keep the one we hold.
    const previous = await getConnection(d.db, { userId, provider: 'gcp', accountId: email });
    const kept = previous?.secretRef ? readTokenDoc(await d.secrets.get(previous.secretRef))?.refresh_token : undefined;
    if (!kept) return failed(d, 'no_refresh_token');
    doc = { ...doc, refresh_token: kept };
  }
  await saveConnection(d, {
    userId,
    provider: 'gcp',
    accountId: email,
    accountName: email,
    status: 'pending',
    statusReason: 'GCP setup in progress',
    metadata: { email },
    secret: secret(doc as unknown as SecretDocument),
    action: 'connect',
  });
  let taskId: string;
  try {
    taskId = await startSetup(d, { userId, accountId: email });
  } catch (e) {
    log.error('gcp setup could not start', { error: e });
    return failed(d, 'setup_start_failed');
  }
  return frontRedirect(d, { login: 'gcp_setup_pending', task_id: taskId });
}

/** The name the generated OAuth loader map looks for (lib/connectors/generated/loaders.ts). */
export const oauthCallback = handleGcpCallback;
