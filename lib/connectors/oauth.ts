import type { Deps } from '../deps.ts';
import { BadRequestError, NotFoundError } from '../errors.ts';
import { OAUTH_CONNECTORS, type ProviderId } from './generated/ids.ts';

/**
 * GET /api/auth/{provider} and its callback for every OAuth connector: the connector list says
 * which connectors use OAuth, each connector's start and finish (its `oauthStart` and
 * `oauthCallback`, loaded by id from lib/connectors/generated/load/) plug into the one flow
 * (lib/oauth/flow.ts). A connector that is switched off is 404 (it does not exist); one that does
 * not use OAuth is 400. Kept out of lib/oauth/, whose flow the connectors themselves use: a
 * dispatcher over every connector there would make a circle. The start (oauth-start.ts) and the
 * callback (oauth-callback.ts) are modules of their own, so each of the two functions carries only
 * its own loader's chunks; this one is the guard both run.
 */
export function requireOAuthProvider(d: Deps, provider: ProviderId): void {
  if (!d.config.features[provider]) throw new NotFoundError('Not found');
  if (!OAUTH_CONNECTORS.includes(provider)) {
    throw new BadRequestError(`provider: ${provider} does not use OAuth; connect it with its own credentials`, { code: 'not_oauth_provider', field: 'provider' });
  }
}
