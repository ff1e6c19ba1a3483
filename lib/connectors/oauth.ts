import type { Deps } from '../deps.ts';
import { BadRequestError, NotFoundError } from '../errors.ts';
import type { CallbackInput, CallbackOutcome, StartedFlow } from '../oauth/flow.ts';
import type { ProviderId } from './generated/ids.ts';
import { loadOAuthCallback, loadOAuthStart, OAUTH_CONNECTORS } from './generated/loaders.ts';

/**
 * GET /api/auth/{provider} and its callback for every OAuth connector: the connector list says
 * which connectors use OAuth, each connector's start and finish (its `oauthStart` and
 * `oauthCallback`, loaded by id from lib/connectors/generated/loaders.ts) plug into the one flow
 * (lib/oauth/flow.ts). A connector that is switched off is 404 (it does not exist); one that does
 * not use OAuth is 400. Kept out of lib/oauth/, whose flow the connectors themselves use: a
 * dispatcher over every connector there would make a circle.
 */
function requireOAuthProvider(d: Deps, provider: ProviderId): void {
  if (!d.config.features[provider]) throw new NotFoundError('Not found');
  if (!OAUTH_CONNECTORS.includes(provider)) {
    throw new BadRequestError(`provider: ${provider} does not use OAuth; connect it with its own credentials`, { code: 'not_oauth_provider', field: 'provider' });
  }
}

export async function startProviderOAuth(d: Deps, userId: string, provider: ProviderId, query: Record<string, string | undefined>): Promise<StartedFlow> {
  requireOAuthProvider(d, provider);
  const start = await loadOAuthStart(provider);
  if (!start) throw new BadRequestError(`provider: OAuth login for ${provider} does not start here; use its own login route`, { code: 'oauth_start_unavailable', field: 'provider' });
  return start(d, userId, query);
}

export async function providerOAuthCallback(d: Deps, provider: ProviderId, input: CallbackInput): Promise<CallbackOutcome> {
  requireOAuthProvider(d, provider);
  const callback = await loadOAuthCallback(provider);
  if (!callback) throw new BadRequestError(`provider: OAuth callback for ${provider} is served by its own route`, { code: 'oauth_callback_unavailable', field: 'provider' });
  return callback(d, input);
}
