import '../../lazy-core.ts'; // one chunk for what the lazy code shares with its function (lib/lazy-core.ts)
import type { Deps } from '../../deps.ts';
import type { Connection } from '../../connections/types.ts';
import { revokeGrant } from './adapter.ts';
import { storedToken } from './service.ts';

/** Disconnect: the OAuth App's grant is revoked at GitHub (every token of it) before our copy goes. */
export async function revoke(d: Deps, conn: Connection): Promise<void> {
  const token = await storedToken(d, conn);
  if (token) await revokeGrant(d.config.github, token);
}
