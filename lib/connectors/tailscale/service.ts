import '../../lazy-core.ts'; // one chunk for what the lazy code shares with its function (lib/lazy-core.ts)
import type { Deps } from '../../deps.ts';
import { ProviderAuthError, UnauthorizedError } from '../../errors.ts';
import { listConnections } from '../../connections/repo.ts';
import { inUse, newestFirst, recordCheck } from '../../connections/status.ts';
import type { Connection } from '../../connections/types.ts';
import type { SecretValue } from '../../secret-value.ts';
import { checkFailure, type CheckResult } from '../kit/behaviour.ts';
import { checkScopes, listDevices, mintToken, type MintedToken } from './adapter.ts';
import { tailscale } from './definition.ts';
import { apiTailnetOf, clientSecretOf } from './credentials.ts';
import { ensureSshKey } from './ssh-key.ts';
import { recordToken } from './token-ledger.ts';

const notConnected = () => new UnauthorizedError(tailscale.messages.connectRequired, { code: 'not_connected', extra: { action: 'CONNECT_REQUIRED' } });

export async function remember(d: Deps, userId: string, accountId: string, t: MintedToken): Promise<void> {
  if (t.keyId) await recordToken(d.db, userId, accountId, t.keyId, t.expiresAt);
}

/** A fresh token for one connection, proven by reading the tailnet's devices. */
export async function liveToken(d: Deps, conn: Connection): Promise<MintedToken> {
  const clientSecret = await clientSecretOf(d, conn);
  if (!clientSecret) throw new ProviderAuthError('The stored Tailscale client secret is missing; reconnect', { status: 401 });
  const minted = await mintToken(d.config.tailscale, String(conn.metadata.client_id), clientSecret, d.now());
  await remember(d, conn.userId, conn.accountId, minted);
  checkScopes(minted);
  await listDevices(d.config.tailscale, minted.token, apiTailnetOf(conn));
  return minted;
}

/** A refusal of the client, its scopes or the tailnet is `auth` (reconnect needed); 5xx and timeouts are a `fault`. */
export const toResult = (e: unknown): CheckResult => checkFailure(e, { refused: (err) => `Tailscale refused: ${err.message}`, notFound: () => `${tailscale.messages.tailnetNotFound}; reconnect` });

/**
 * cloud_tool: a fresh one-hour access token for the user's newest working tailnet. A refusal marks
 * that connection `error` and is passed on; a token is never handed out for a connection that failed.
 */
export async function tailscaleTokenForUser(d: Deps, userId: string): Promise<SecretValue<string>> {
  const conns = (await listConnections(d.db, userId, 'tailscale')).filter((c) => c.status === 'connected').sort(newestFirst);
  if (conns.length === 0) throw notConnected();
  const conn = conns[0];
  try {
    return (await liveToken(d, conn)).token;
  } catch (e) {
    await recordCheck(d, conn, toResult(e));
    throw e;
  }
}

/** The user's SSH key (made once), and how to install it on a machine of the tailnet. */
export async function tailscaleSshSetup(d: Deps, userId: string) {
  const conns = (await listConnections(d.db, userId, 'tailscale')).filter(inUse);
  if (conns.length === 0) throw notConnected();
  const { publicKey, fingerprint } = await ensureSshKey(d, userId);
  const command = `mkdir -p ~/.ssh && chmod 700 ~/.ssh && echo '${publicKey}' >> ~/.ssh/authorized_keys && chmod 600 ~/.ssh/authorized_keys`;
  return {
    sshPublicKey: publicKey,
    fingerprint,
    instructions: [
      'On each machine of your tailnet that Aurora should reach, sign in as the user Aurora will log in as.',
      'Run the command below: it appends Aurora\'s public key to ~/.ssh/authorized_keys.',
      'Make sure your tailnet policy file (ACLs) allows SSH (port 22) to that machine.',
      `Aurora signs in with the key whose fingerprint is ${fingerprint}; the private key never leaves Aurora's secret store.`,
    ],
    command,
  };
}
