import type { Deps } from '../deps.ts';
import { BadRequestError, NotFoundError } from '../errors.ts';
import type { CallbackInput, CallbackOutcome, OAuthCallbackHook, OAuthStartHook, StartedFlow } from '../oauth/flow.ts';
import { enabledProviders, PROVIDERS, type ProviderId } from './registry.ts';

/**
 * GET /api/auth/{provider} and its callback for every OAuth connector: the registry says which
 * connectors use OAuth, each connector's start and finish plug into the one flow
 * (lib/oauth/flow.ts). A connector that is switched off is 404 (it does not exist); one that does
 * not use OAuth is 400.
 */
// Two maps, each read by one function: the start's bundle carries only the consent URL builders,
// the callback's the code exchange and what connecting starts (lib/connectors/hooks.ts says why).
const startHooks: Partial<Record<ProviderId, () => Promise<OAuthStartHook>>> = {
  gcp: async () => (await import('./gcp/login.ts')).oauthStart,
  ovh: async () => (await import('./ovh/oauth-start.ts')).oauthStart,
};

// OVH's callback has its own route (GET /api/auth/ovh/callback is one of its paths, and a literal
// path wins over {provider}), so only its start is here.
const callbackHooks: Partial<Record<ProviderId, () => Promise<OAuthCallbackHook>>> = {
  gcp: async () => (await import('./gcp/oauth.ts')).oauthCallback,
};

function requireOAuthProvider(d: Deps, provider: ProviderId): void {
  if (!enabledProviders(d.config.features).includes(provider)) throw new NotFoundError('Not found');
  if (PROVIDERS[provider].authKind !== 'oauth2') {
    throw new BadRequestError(`provider: ${provider} does not use OAuth; connect it with its own credentials`, { code: 'not_oauth_provider', field: 'provider' });
  }
}

export async function startProviderOAuth(d: Deps, userId: string, provider: ProviderId, query: Record<string, string | undefined>): Promise<StartedFlow> {
  requireOAuthProvider(d, provider);
  const load = startHooks[provider];
  if (!load) throw new BadRequestError(`provider: OAuth login for ${provider} does not start here; use its own login route`, { code: 'oauth_start_unavailable', field: 'provider' });
  return (await load())(d, userId, query);
}

export async function providerOAuthCallback(d: Deps, provider: ProviderId, input: CallbackInput): Promise<CallbackOutcome> {
  requireOAuthProvider(d, provider);
  const load = callbackHooks[provider];
  if (!load) throw new BadRequestError(`provider: OAuth callback for ${provider} is served by its own route`, { code: 'oauth_callback_unavailable', field: 'provider' });
  return (await load())(d, input);
}
