import '../../lazy-core.ts'; // one chunk for what the lazy code shares with its function (lib/lazy-core.ts)
import type { Deps } from '../../deps.ts';
import type { Connection } from '../../connections/types.ts';
import { mintToken, revokeKey } from './adapter.ts';
import { apiTailnetOf, clientSecretOf } from './credentials.ts';
import { deleteSshKey } from './ssh-key.ts';
import { forgetTokens, liveTokenIds } from './token-ledger.ts';

/**
 * Disconnect hook: revoke at Tailscale every access token we minted for this tailnet that may still
 * be live (their ids are in the token ledger), then the token minted to do it. Needs a client with
 * the auth_keys scope; without it the revocation is refused, logged by the caller, and the tokens
 * simply expire within the hour. The ledger is cleared either way.
 */
export async function revokeIssuedTokens(d: Deps, conn: Connection): Promise<void> {
  try {
    const ids = await liveTokenIds(d.db, conn.userId, conn.accountId, d.now());
    if (ids.length === 0) return;
    const clientSecret = await clientSecretOf(d, conn);
    if (!clientSecret) return;
    const own = await mintToken(d.config.tailscale, String(conn.metadata.client_id), clientSecret, d.now());
    const tailnet = apiTailnetOf(conn);
    let failure: unknown;
    for (const id of ids.filter((i) => i !== own.keyId)) {
      await revokeKey(d.config.tailscale, own.token, tailnet, id).catch((e: unknown) => (failure ??= e));
    }
    if (own.keyId) await revokeKey(d.config.tailscale, own.token, tailnet, own.keyId).catch((e: unknown) => (failure ??= e));
    if (failure) throw failure;
  } finally {
    await forgetTokens(d.db, conn.userId, conn.accountId);
  }
}

/** Disconnect: revoke what we minted (above). */
export const revoke = (d: Deps, conn: Connection) => revokeIssuedTokens(d, conn);

/** After the last tailnet: the SSH key pair and the token ledger go too. */
export async function cleanupUser(d: Deps, userId: string): Promise<void> {
  await deleteSshKey(d, userId);
  await forgetTokens(d.db, userId);
}
