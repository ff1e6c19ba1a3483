import type { Deps } from '../deps.ts';
import { BadRequestError } from '../errors.ts';
import type { StartedFlow } from '../oauth/flow.ts';
import type { ProviderId } from './generated/ids.ts';
import { loadOAuthStart } from './generated/load/oauth-start.ts';
import { requireOAuthProvider } from './oauth.ts';

/** GET /api/auth/{provider} of every OAuth connector (the guard: lib/connectors/oauth.ts). */
export async function startProviderOAuth(d: Deps, userId: string, provider: ProviderId, query: Record<string, string | undefined>): Promise<StartedFlow> {
  requireOAuthProvider(d, provider);
  const start = await loadOAuthStart(provider);
  if (!start) throw new BadRequestError(`provider: OAuth login for ${provider} does not start here; use its own login route`, { code: 'oauth_start_unavailable', field: 'provider' });
  return start(d, userId, query);
}
