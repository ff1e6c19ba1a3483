import type { Deps } from '../../deps.ts';
import { AppError, ProviderAuthError } from '../../errors.ts';
import { saveConnection } from '../../connections/service.ts';
import type { Principal } from '../../http/auth.ts';
import { consumeOAuthState, createOAuthState } from '../../oauth/state.ts';
import type { OvhEndpoint } from './settings.ts';
import { log } from '../../log.ts';
import { secret } from '../../secret-value.ts';
import { authorizationUrl, exchangeCode, getMe, listCloudProjects, oauthRegion } from './adapter.ts';
import { ovh } from './definition.ts';

/** POST initiate: a single-use state bound to the user and the region, with a PKCE S256 challenge. */
export async function initiateOvh(d: Deps, userId: string, endpoint: OvhEndpoint) {
  const region = oauthRegion(d.config.ovh, d.config.core.backendUrl, endpoint);
  const { state, codeChallenge } = await createOAuthState(d.db, { userId, provider: 'ovh', redirectUri: region.redirectUri, region: endpoint }, d.now());
  return { authorizationUrl: authorizationUrl(d.config.ovh, region, { state, codeChallenge }), state };
}

export interface OvhCallbackQuery {
  code?: string;
  state?: string;
  error?: string;
}

/**
 * GET callback (open): the state is consumed first, whatever else the request says, so it can
 * never be replayed. It must be ours, unexpired, for OVH, and (when the request carries an
 * identity) the caller's own. Then code → tokens → /me → the record. Every outcome is a redirect
 * to the frontend; nothing is stored unless everything succeeded.
 */
export async function ovhCallback(d: Deps, principal: Principal | null, q: OvhCallbackQuery): Promise<string> {
  const consumed = await consumeOAuthState(d.db, q.state, 'ovh', d.now());
  if (!consumed.ok) {
    log.warn('ovh callback refused', { reason: consumed.reason });
    return front(d, { error: 'invalid_state' });
  }
  const rec = consumed.record;
  if (principal && principal.userId !== rec.userId) {
    log.warn('ovh callback refused', { reason: 'state of another user' });
    return front(d, { error: 'invalid_state' });
  }
  if (q.error) return front(d, { error: ovh.providerErrorPattern.test(q.error) ? q.error : 'provider_error' });
  if (!q.code) return front(d, { error: 'missing_code' });
  const endpoint = rec.region as OvhEndpoint;
  try {
    const region = oauthRegion(d.config.ovh, d.config.core.backendUrl, endpoint);
    const tokens = await exchangeCode(d.config.ovh, region, q.code, rec.codeVerifier, rec.redirectUri, d.now());
    const access = secret(tokens.access_token);
    const me = await getMe(d.config.ovh, region, access);
    const projects = await listCloudProjects(d.config.ovh, region, access).catch((e: unknown) => {
      // the project list only decorates the record; an account without Public Cloud access is still an account
      log.warn('ovh cloud project list failed', { error: e });
      return [] as string[];
    });
    await saveConnection(d, {
      userId: rec.userId,
      provider: 'ovh',
      accountId: me.nichandle,
      accountName: me.organisation || [me.firstname, me.name].filter(Boolean).join(' ') || me.nichandle,
      metadata: { endpoint, cloud_projects: projects },
      secret: secret({ ...tokens }),
    });
    return front(d, { login: ovh.login.success, endpoint });
  } catch (e) {
    if (!(e instanceof AppError)) throw e;
    log.warn('ovh callback failed', { error: e });
    const error = e instanceof ProviderAuthError ? e.code : e.code === 'config_error' ? 'not_configured' : 'provider_unavailable';
    return front(d, { error });
  }
}

function front(d: Deps, p: { login?: string; error?: string; endpoint?: string }): string {
  const url = new URL(d.config.core.frontUrl);
  url.searchParams.set('login', p.login ?? ovh.login.failed);
  if (p.error) url.searchParams.set('error', p.error);
  if (p.endpoint) url.searchParams.set('endpoint', p.endpoint);
  return url.toString();
}
