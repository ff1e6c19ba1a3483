import type { Deps } from '../deps.ts';
import { UnauthorizedError, ForbiddenError } from '../errors.ts';
import { log } from '../log.ts';
import { updateConnectionStatus } from '../connections/repo.ts';
import { closeAgentSocket, revokeAgentSocket, sendToAgent } from './management.ts';
import type { CommandResponseMessage, RegisterMessage } from './protocol.ts';
import { AGENT_TOKEN_RE, bearerToken, CLUSTER_ID_RE, hashAgentToken, hashesEqual } from './tokens.ts';
import {
  PROVIDER,
  attachSocket,
  completeCommand,
  deleteSocket,
  detachSocket,
  failCommand,
  findTokenByHash,
  getSocket,
  getToken,
  pendingCommandsOf,
  putSocket,
  recordHeartbeat,
  recordRegister,
  type SocketRecord,
} from './repo.ts';

/**
 * The WebSocket side: what each route of the agents' API (lib/kubectl/ws-routes.ts) does. Every
 * refusal names its reason in the log and to the agent, never the token it was given.
 */

const refused = (reason: string) => new UnauthorizedError(`Agent token refused: ${reason}`, { code: 'agent_token_refused' });

/**
 * $connect: `Authorization: Bearer <token>` must match a stored hash whose token is unexpired,
 * unrevoked and still its cluster's; an agent that names its cluster (X-Aurora-Cluster-Id) must
 * name the token's own. Then the socket speaks for the cluster, replacing any earlier one.
 */
export async function agentConnect(d: Deps, connectionId: string, authorization: string | undefined, claimedCluster: string | undefined): Promise<void> {
  const token = bearerToken(authorization);
  if (!token) throw refused('no bearer token in the Authorization header');
  if (!AGENT_TOKEN_RE.test(token)) throw refused('not an Aurora kubectl agent token');
  const hash = hashAgentToken(token);
  const ref = await findTokenByHash(d.db, hash);
  if (!ref || !hashesEqual(ref.tokenHash, hash)) throw refused('unknown or revoked token');
  const t = await getToken(d.db, ref.userId, ref.tokenId);
  if (!t || t.revokedAt) throw refused('the token was revoked');
  const now = d.now();
  if (t.expiresAtMs <= now) throw refused(`the token expired on ${new Date(t.expiresAtMs).toISOString()}; rotate it`);
  if (claimedCluster !== undefined && claimedCluster !== t.clusterId) {
    // a malformed or foreign cluster id gets the same answer: nothing about other clusters leaks
    throw new ForbiddenError(`The token does not belong to cluster ${CLUSTER_ID_RE.test(claimedCluster) ? claimedCluster : '(malformed id)'}`, { code: 'cluster_mismatch' });
  }
  const s: SocketRecord = { connectionId, userId: t.userId, clusterId: t.clusterId, tokenId: t.tokenId, tokenExpiresAtMs: t.expiresAtMs, connectedAtMs: now };
  await putSocket(d.db, s);
  const attached = await attachSocket(d.db, s);
  if (!attached) {
    await deleteSocket(d.db, connectionId);
    throw refused('the token is no longer its cluster’s');
  }
  log.info('kubectl agent connected', { clusterId: t.clusterId, keyId: t.tokenId });
  if (attached.replaced) {
    // one agent per cluster: the newest socket wins, an older one is closed (usually already dead)
    const old = attached.replaced;
    log.warn('a new agent socket replaced the previous one', { clusterId: t.clusterId });
    await closeAgentSocket(d, old).catch((e: unknown) => log.warn('could not close the replaced agent socket', { error: e }));
    await deleteSocket(d.db, old);
    for (const id of await pendingCommandsOf(d.db, t.userId, old)) await failCommand(d.db, t.userId, id, 'The agent reconnected while the command ran');
  }
}

/** $disconnect: forget the socket; whatever still waits on it fails now rather than at its timeout. */
export async function agentDisconnect(d: Deps, connectionId: string, code: number | undefined, reason: string | undefined): Promise<void> {
  const s = await getSocket(d.db, connectionId);
  if (!s) return;
  await deleteSocket(d.db, connectionId);
  const wasCurrent = await detachSocket(d.db, s.userId, s.clusterId, connectionId);
  for (const id of await pendingCommandsOf(d.db, s.userId, connectionId)) {
    await failCommand(d.db, s.userId, id, `The kubectl agent disconnected while the command ran (close code ${code ?? 'none'})`);
  }
  log.info('kubectl agent disconnected', { clusterId: s.clusterId, code, reason, current: wasCurrent });
  if (wasCurrent) {
    await updateConnectionStatus(d.db, { userId: s.userId, provider: PROVIDER, accountId: s.clusterId }, { status: 'not_connected', reason: `The kubectl agent disconnected (close code ${code ?? 'none'})` });
  }
}

/**
 * The socket's record, or null after closing it: a message on a socket we do not know (its record
 * gone with a revocation or a replacement) or whose token has expired since it connected.
 */
async function liveSocket(d: Deps, connectionId: string): Promise<SocketRecord | null> {
  const s = await getSocket(d.db, connectionId);
  if (!s) {
    await closeAgentSocket(d, connectionId);
    return null;
  }
  if (s.tokenExpiresAtMs <= d.now()) {
    await detachSocket(d.db, s.userId, s.clusterId, connectionId);
    await revokeAgentSocket(d, connectionId, 'The agent token expired; rotate it and install the new one');
    return null;
  }
  return s;
}

/** register: versions recorded, the connection shown connected, and the agent told its heartbeat interval. */
export async function agentRegister(d: Deps, connectionId: string, m: RegisterMessage): Promise<void> {
  const s = await liveSocket(d, connectionId);
  if (!s) return;
  const c = await recordRegister(d.db, s, { agentVersion: m.agent_version, kubernetesVersion: m.kubernetes_version, writeMode: m.write_mode ?? false, nowMs: d.now() });
  if (!c) {
    await closeAgentSocket(d, connectionId);
    return;
  }
  await updateConnectionStatus(d.db, { userId: s.userId, provider: PROVIDER, accountId: s.clusterId }, { status: 'connected', metadata: { cluster_name: c.clusterName, token_id: c.tokenId } });
  log.info('kubectl agent registered', { clusterId: s.clusterId, agentVersion: m.agent_version, kubernetesVersion: m.kubernetes_version, writeMode: m.write_mode ?? false });
  await sendToAgent(d, connectionId, { type: 'connected', cluster_id: c.clusterId, cluster_name: c.clusterName, heartbeat_seconds: d.config.kubectl.heartbeatSeconds });
}

export async function agentHeartbeat(d: Deps, connectionId: string): Promise<void> {
  const s = await liveSocket(d, connectionId);
  if (!s) return;
  if (!(await recordHeartbeat(d.db, s, d.now()))) {
    await closeAgentSocket(d, connectionId);
    return;
  }
  await sendToAgent(d, connectionId, { type: 'heartbeat_ack' });
}

/** command_response: accepted only for a pending command that was sent to this very socket. */
export async function agentCommandResponse(d: Deps, connectionId: string, m: CommandResponseMessage): Promise<void> {
  const s = await getSocket(d.db, connectionId);
  if (!s) return;
  const ok = await completeCommand(d.db, s.userId, m.command_id, connectionId, {
    success: m.success,
    output: m.output,
    error: m.error,
    returnCode: m.return_code,
    truncated: m.truncated ?? false,
    refused: m.refused ?? false,
  });
  if (!ok) log.warn('kubectl command response for no pending command of this socket (late, repeated or foreign)', { clusterId: s.clusterId, commandId: m.command_id });
}

/** $default: a message of no known type. */
export async function agentUnknownMessage(d: Deps, connectionId: string): Promise<void> {
  await sendToAgent(d, connectionId, { type: 'error', code: 'unknown_message_type', message: 'Messages are JSON objects whose type is register, heartbeat or command_response' });
}



