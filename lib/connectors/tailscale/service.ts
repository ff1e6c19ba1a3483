import type { Deps } from '../../deps.ts';
import { recordLiveCheck } from '../live-check.ts';
import { AppError, ProviderAuthError, UnauthorizedError } from '../../errors.ts';
import { disconnectWithHooks, saveConnection } from '../../connections/service.ts';
import { listConnections } from '../../connections/repo.ts';
import type { Connection } from '../../connections/types.ts';
import { secret, type SecretValue } from '../../secret-value.ts';
import type { CheckResult } from '../hooks.ts';
import { checkScopes, listDevices, mintToken, tailnetDnsName, type MintedToken } from './adapter.ts';
import { tailscale } from './definition.ts';
import { apiTailnetOf, clientSecretOf } from './credentials.ts';
import { tailscaleHooks } from './hooks.ts';
import { ensureSshKey } from './ssh-key.ts';
import { recordToken } from './token-ledger.ts';

export interface TailscaleConnectInput {
  client_id: string;
  client_secret: string;
  tailnet?: string;
}

const notConnected = () => new UnauthorizedError(tailscale.messages.connectRequired, { code: 'not_connected', extra: { action: 'CONNECT_REQUIRED' } });

/**
 * Client-credentials grant → device list of the tailnet (count, and the tailnet's DNS name from the
 * devices' MagicDNS names) → keep the client secret. The account is the tailnet as the user named
 * it; for "-" (the client's own tailnet) its DNS name, or the client id while it has no devices.
 */
export async function connectTailscale(d: Deps, userId: string, input: TailscaleConnectInput) {
  const apiTailnet = input.tailnet || tailscale.defaultTailnet;
  const clientSecret = secret(input.client_secret);
  const minted = await mintToken(d.config.tailscale, input.client_id, clientSecret, d.now());
  checkScopes(minted);
  const devices = await listDevices(d.config.tailscale, minted.token, apiTailnet);
  const dnsName = tailnetDnsName(devices);
  const accountId = apiTailnet !== tailscale.defaultTailnet ? apiTailnet : (dnsName ?? `client-${input.client_id}`);
  const tailnetName = dnsName ?? accountId;
  await saveConnection(d, {
    userId,
    provider: 'tailscale',
    accountId,
    accountName: tailnetName,
    metadata: { client_id: input.client_id, tailnet: accountId, tailnet_name: tailnetName, api_tailnet: apiTailnet },
    secret: secret({ client_secret: input.client_secret }),
  });
  await remember(d, userId, accountId, minted);
  return { success: true as const, message: tailscale.messages.connected, tailnet: accountId, tailnetName, deviceCount: devices.length };
}

async function remember(d: Deps, userId: string, accountId: string, t: MintedToken): Promise<void> {
  if (t.keyId) await recordToken(d.db, userId, accountId, t.keyId, t.expiresAt);
}

/** A fresh token for one connection, proven by reading the tailnet's devices. */
async function liveToken(d: Deps, conn: Connection): Promise<MintedToken> {
  const clientSecret = await clientSecretOf(d, conn);
  if (!clientSecret) throw new ProviderAuthError('The stored Tailscale client secret is missing; reconnect', { status: 401 });
  const minted = await mintToken(d.config.tailscale, String(conn.metadata.client_id), clientSecret, d.now());
  await remember(d, conn.userId, conn.accountId, minted);
  checkScopes(minted);
  await listDevices(d.config.tailscale, minted.token, apiTailnetOf(conn));
  return minted;
}

const inUse = (c: Connection) => c.status === 'connected' || c.status === 'error';
const newestFirst = (a: Connection, b: Connection) => b.updatedAt.localeCompare(a.updatedAt);

/** A refusal of the client, its scopes or the tailnet is `auth` (reconnect needed); 5xx and timeouts are a `fault`. */
function toResult(e: unknown): CheckResult {
  if (e instanceof ProviderAuthError) return { ok: false, kind: 'auth', reason: `Tailscale refused: ${e.message}` };
  if (e instanceof AppError && e.status === 404) return { ok: false, kind: 'auth', reason: `${tailscale.messages.tailnetNotFound}; reconnect` };
  if (e instanceof AppError) return { ok: false, kind: 'fault', reason: e.message };
  throw e;
}

/** Live check of one connection (mint a token, read the devices); changes nothing but the token ledger. */
export async function checkTailscale(d: Deps, conn: Connection): Promise<CheckResult> {
  try {
    await liveToken(d, conn);
    return { ok: true };
  } catch (e) {
    return toResult(e);
  }
}

/** A user asking for status sees the truth at once (see recordLiveCheck); nothing to write when all is well. */
async function recordCheck(d: Deps, conn: Connection, result: CheckResult): Promise<void> {
  if (result.ok && conn.status === 'connected') return;
  await recordLiveCheck(d, conn, result);
}

/** Live token check of every Tailscale connection in use; reports the newest one that works. */
export async function tailscaleStatus(d: Deps, userId: string) {
  const conns = (await listConnections(d.db, userId, 'tailscale')).filter(inUse).sort(newestFirst);
  if (conns.length === 0) return { connected: false, provider: 'tailscale' as const };
  const results: Array<{ conn: Connection; result: CheckResult }> = [];
  for (const conn of conns) {
    const result = await checkTailscale(d, conn);
    await recordCheck(d, conn, result);
    results.push({ conn, result });
  }
  const ok = results.find((r) => r.result.ok);
  const shown = (ok ?? results[0]).conn;
  const view = { tailnet: shown.accountId, tailnetName: String(shown.metadata.tailnet_name ?? shown.accountName) };
  if (ok) return { connected: true, provider: 'tailscale' as const, ...view };
  const first = results[0].result;
  return { connected: false, provider: 'tailscale' as const, ...view, status: 'error' as const, reason: first.ok ? undefined : first.reason };
}

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

export async function disconnectTailscale(d: Deps, userId: string) {
  await disconnectWithHooks(d, userId, 'tailscale', tailscaleHooks);
  return { success: true as const, message: tailscale.messages.disconnected };
}
