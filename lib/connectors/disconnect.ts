import type { Deps } from '../deps.ts';
import { disconnectWithHooks } from '../connections/service.ts';
import type { ProviderId } from './generated/ids.ts';
import { loadRevoke } from './generated/load/revoke.ts';

/**
 * DELETE /api/auth/{provider}/disconnect for any connector: its revoke.ts is loaded by id (a light
 * module per connector: the generated loader map keeps provider SDKs out of this bundle), then
 * the generic removal. Also for a connector whose feature flag is off: removing what a user left
 * behind stays possible.
 */
export async function disconnectConnector(d: Deps, userId: string, provider: ProviderId, accountId?: string): Promise<number> {
  return disconnectWithHooks(d, userId, provider, await loadRevoke(provider), accountId);
}
