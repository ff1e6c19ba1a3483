import type { Deps } from '../deps.ts';
import { BadRequestError } from '../errors.ts';
import type { CallbackInput, CallbackOutcome } from '../oauth/flow.ts';
import type { ProviderId } from './generated/ids.ts';
import { loadOAuthCallback } from './generated/load/oauth-callback.ts';
import { requireOAuthProvider } from './oauth.ts';

/** The OAuth callback of every OAuth connector (the guard: lib/connectors/oauth.ts). */
export async function providerOAuthCallback(d: Deps, provider: ProviderId, input: CallbackInput): Promise<CallbackOutcome> {
  requireOAuthProvider(d, provider);
  const callback = await loadOAuthCallback(provider);
  if (!callback) throw new BadRequestError(`provider: OAuth callback for ${provider} is served by its own route`, { code: 'oauth_callback_unavailable', field: 'provider' });
  return callback(d, input);
}
