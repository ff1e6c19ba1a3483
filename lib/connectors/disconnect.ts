import type { Deps } from '../deps.ts';
import { NotFoundError } from '../errors.ts';
import { disconnectWithHooks } from '../connections/service.ts';
import type { ProviderId } from './generated/ids.ts';
import { loadRevoke } from './generated/loaders.ts';

/**
 * DELETE /api/auth/{provider}/disconnect for any connector: its revoke.ts is loaded by id (a light
 * module per connector: the generated loader map keeps provider SDKs out of this bundle), then
 * the generic removal. A connector switched off by its flag does not exist here either.
 */
export async function disconnectConnector(d: Deps, userId: string, provider: ProviderId, accountId?: string): Promise<number> {
  if (!d.config.connectors.enabled.includes(provider)) throw new NotFoundError('Not found');
  return disconnectWithHooks(d, userId, provider, await loadRevoke(provider), accountId);
}
