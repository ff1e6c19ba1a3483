import type { Deps } from '../../deps.ts';
import { saveConnection } from '../../connections/service.ts';
import { finishOAuth, type CallbackInput, type CallbackOutcome, type OAuthFinish } from '../../oauth/flow.ts';
import { log } from '../../log.ts';
import { secret } from '../../secret-value.ts';
import type { OvhEndpoint } from './settings.ts';
import { exchangeCode, getMe, listCloudProjects, oauthRegion, type OvhTokens } from './adapter.ts';
import { ovh } from './definition.ts';
import { ovhOAuth } from './oauth-start.ts';

/** After consent: code → tokens (at the region's token endpoint) → /me → the connection record. */
export const ovhOAuthFinish: OAuthFinish<OvhTokens> = {
  exchange(d, { region }, grant) {
    return exchangeCode(d.config.ovh, oauthRegion(d.config.ovh, d.config.core.backendUrl, region as OvhEndpoint), grant.code, grant.codeVerifier, grant.redirectUri, d.now());
  },
  async identify(d, { region }, tokens) {
    const me = await getMe(d.config.ovh, d.config.ovh.regions[region as OvhEndpoint], secret(tokens.access_token));
    return { accountId: me.nichandle, accountName: me.organisation || [me.firstname, me.name].filter(Boolean).join(' ') || me.nichandle };
  },
  async complete(d, { userId, region, tokens, identity }) {
    const endpoint = region as OvhEndpoint;
    const projects = await listCloudProjects(d.config.ovh, d.config.ovh.regions[endpoint], secret(tokens.access_token)).catch((e: unknown) => {
      // the project list only decorates the record; an account without Public Cloud access is still an account
      log.warn('ovh cloud project list failed', { error: e });
      return [] as string[];
    });
    await saveConnection(d, {
      userId,
      provider: 'ovh',
      accountId: identity.accountId,
      accountName: identity.accountName,
      metadata: { endpoint, cloud_projects: projects },
      secret: secret({ ...tokens }),
    });
    return { login: ovh.login.success, endpoint };
  },
};

/** GET /ovh_api/ovh/oauth2/callback (and GET /api/auth/ovh/callback). */
export const ovhCallback = (d: Deps, input: CallbackInput): Promise<CallbackOutcome> => finishOAuth(d, ovhOAuth, ovhOAuthFinish, input);
