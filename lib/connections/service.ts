import '../lazy-core.ts'; // one chunk for what the lazy code shares with its function (lib/lazy-core.ts)
import type { Deps } from '../deps.ts';
import { NotFoundError } from '../errors.ts';
import { log } from '../log.ts';
import type { ProviderId } from '../connectors/generated/ids.ts';
import type { RevokeHooks } from '../connectors/kit/behaviour.ts';
import { getUserSetting, putUserSetting } from '../db/user-settings.ts';
import { secretPath, type SecretDocument } from '../secrets/port.ts';
import type { SecretValue } from '../secret-value.ts';
import { deleteConnection, getConnection, listConnections, listConnectionSummaries, type ConnectionSummary, updateConnectionStatus, upsertConnection, writeAudit } from './repo.ts';
import type { Connection, ConnectionMetadata, ConnectionStatus } from './types.ts';

export interface ConnectionView {
  provider: ProviderId;
  account_id: string;
  account_name: string;
  status: ConnectionStatus;
  status_reason?: string;
  created_at: string;
  updated_at: string;
}

export function toView(c: ConnectionSummary): ConnectionView {
  return {
    provider: c.provider,
    account_id: c.accountId,
    account_name: c.accountName,
    status: c.status,
    ...(c.statusReason ? { status_reason: c.statusReason } : {}),
    created_at: c.createdAt,
    updated_at: c.updatedAt,
  };
}

export async function listUserConnections(d: Deps, userId: string): Promise<ConnectionView[]> {
  const all = await listConnectionSummaries(d.db, userId);
  return all.filter((c) => d.config.features[c.provider]).map(toView);
}

export interface SaveConnectionInput {
  userId: string;
  provider: ProviderId;
  accountId: string;
  accountName: string;
  status?: ConnectionStatus;
  statusReason?: string;
  metadata: ConnectionMetadata;
  /** credentials; written to the secret store, never to the table */
  secret?: SecretValue<SecretDocument>;
  /** audit action, e.g. "connect" */
  action?: string;
}

/**
 * Secret first, record second. If the record write fails, the secret write is undone: a new secret
 * is deleted, an overwritten one is restored, so the table and the store never disagree.
 */
export async function saveConnection(d: Deps, input: SaveConnectionInput): Promise<Connection> {
  const key = { userId: input.userId, provider: input.provider, accountId: input.accountId };
  let secretRef: string | undefined;
  let undo: (() => Promise<void>) | undefined;
  if (input.secret) {
    const previous = await getConnection(d.db, key);
    const previousSecret = previous?.secretRef ? await d.secrets.get(previous.secretRef) : null;
    secretRef = await d.secrets.put(secretPath(input.userId, input.provider, input.accountId), input.secret);
    undo = async () => {
      if (previousSecret && previous?.secretRef === secretRef) await d.secrets.put(secretPath(input.userId, input.provider, input.accountId), previousSecret);
      else await d.secrets.delete(secretRef!);
    };
  } else {
    secretRef = (await getConnection(d.db, key))?.secretRef;
  }
  let conn: Connection;
  try {
    conn = await upsertConnection(d.db, {
      ...key,
      accountName: input.accountName,
      status: input.status ?? 'connected',
      statusReason: input.statusReason,
      metadata: input.metadata,
      secretRef,
    });
  } catch (e) {
    if (undo) {
      await undo().catch((undoErr) => log.error('could not undo secret write after record failure', { provider: input.provider, error: undoErr }));
    }
    throw e;
  }
  await writeAudit(d.db, { userId: input.userId, action: input.action ?? 'connect', provider: input.provider, accountId: input.accountId, detail: { status: conn.status } });
  return conn;
}

/** DELETE /api/user_connections: not_connected, credentials kept so a reconnect needs no re-auth. */
export async function markNotConnected(d: Deps, userId: string, provider: ProviderId, accountId: string): Promise<void> {
  const updated = await updateConnectionStatus(d.db, { userId, provider, accountId }, { status: 'not_connected' });
  if (!updated) throw new NotFoundError(`No ${provider} connection with account_id ${accountId}`, { code: 'connection_not_found' });
  await writeAudit(d.db, { userId, action: 'mark_not_connected', provider, accountId });
}

/**
 * Remove a connector's connections (all, or one account): provider-side revocation where the
 * connector has any (its revoke.ts), what we keep beside the connection (`release`: its webhook),
 * then the secret, then the record. The secret goes first so
 * that a failure half-way leaves a record that a retry can finish, never an unreferenced secret.
 * Callers pass the connector's hooks: its own disconnect route imports its revoke.ts, and
 * DELETE /api/auth/{provider}/disconnect loads it by id (lib/connectors/disconnect.ts), so no
 * bundle carries every connector's revocation code.
 */
export async function disconnectWithHooks(d: Deps, userId: string, provider: ProviderId, hooks: RevokeHooks | undefined, accountId?: string): Promise<number> {
  const targets = accountId ? [await getConnection(d.db, { userId, provider, accountId })].filter((c): c is Connection => !!c) : await listConnections(d.db, userId, provider);
  if (accountId && targets.length === 0) throw new NotFoundError(`No ${provider} connection with account_id ${accountId}`, { code: 'connection_not_found' });
  for (const conn of targets) {
    if (hooks?.revoke) {
      await hooks.revoke(d, conn).catch((e) => log.warn('provider-side revocation failed; removing our copy anyway', { provider, accountId: conn.accountId, error: e }));
    }
    if (hooks?.release) await hooks.release(d, conn);
    if (conn.secretRef) await d.secrets.delete(conn.secretRef);
    await deleteConnection(d.db, conn);
    await writeAudit(d.db, { userId, action: 'disconnect', provider, accountId: conn.accountId });
  }
  if (!accountId && hooks?.cleanupUser) await hooks.cleanupUser(d, userId);
  return targets.length;
}

const PREFERENCE = 'provider-preference';

export async function getProviderPreference(d: Deps, userId: string): Promise<ProviderId[]> {
  return (await getUserSetting<ProviderId[]>(d.db, userId, PREFERENCE)) ?? [];
}

export async function setProviderPreference(d: Deps, userId: string, order: ProviderId[]): Promise<ProviderId[]> {
  await putUserSetting(d.db, userId, PREFERENCE, order);
  return order;
}

/** Connected providers, in preference order first, then in the order they were connected. */
export async function connectedProviders(d: Deps, userId: string): Promise<{ providers: ProviderId[]; default_provider: ProviderId | null }> {
  const [conns, pref] = await Promise.all([listConnectionSummaries(d.db, userId), getProviderPreference(d, userId)]);
  const connected = conns
    .filter((c) => c.status === 'connected' && d.config.features[c.provider])
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt))
    .map((c) => c.provider);
  const providers = [...new Set(connected)];
  const preferred = pref.find((p) => providers.includes(p));
  return { providers, default_provider: preferred ?? providers[0] ?? null };
}
