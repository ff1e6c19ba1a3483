import '../lazy-core.ts'; // one chunk for what the lazy code shares with its function (lib/lazy-core.ts)
import { createHash } from 'node:crypto';
import type { Deps } from '../deps.ts';
import { AppError, ConflictError, NotFoundError, ProviderUnavailableError } from '../errors.ts';
import { log } from '../log.ts';
import { deleteConnection, upsertConnection, writeAudit } from '../connections/repo.ts';
import { revokeAgentSocket, sendToAgent } from './management.ts';
import { hashAgentToken, newAgentToken, newId } from './tokens.ts';
import {
  PROVIDER,
  deleteCommand,
  deleteToken,
  deleteTokenHash,
  detachSocket,
  failCommand,
  getCluster,
  getCommand,
  getToken,
  listClusters,
  lockClusterName,
  markTokenRevoked,
  pendingCommandsOf,
  putCommand,
  putToken,
  putTokenHash,
  releaseClusterName,
  setClusterToken,
  takeTokenQuota,
  type ClusterState,
  type TokenRecord,
} from './repo.ts';

// the Kubernetes connector's check (lib/connectors/kubernetes/check.ts) loads its cluster lookup from
// here with one import(): a second target, repo.ts, carried lib/lazy-core.ts into every function
// that imports repo.ts statically (the agent's WebSocket routes: about 5 KB, zod and retry.ts)
export { getCluster } from './repo.ts';

/** The Helm release and namespace the install commands use (agent/chart). */
export const RELEASE = 'aurora-kubectl-agent';
export const NAMESPACE = 'aurora';
/** A cluster is stale after this many heartbeat intervals without one. */
export const MISSED_HEARTBEATS = 3;

export type ClusterStatus = 'connected' | 'stale' | 'disconnected';

export interface ClusterView {
  cluster_id: string;
  cluster_name: string;
  status: ClusterStatus;
  agent_version: string | null;
  kubernetes_version: string | null;
  last_heartbeat_at: string | null;
  connected_at: string | null;
  token_id: string;
  write_mode: boolean | null;
}

const iso = (ms: number | undefined) => (ms === undefined ? null : new Date(ms).toISOString());

/** Stale and disconnected are computed from the injectable clock, so a test can move time. */
export function clusterStatus(c: Pick<ClusterState, 'agentSocket' | 'agentHeartbeatAtMs' | 'agentConnectedAtMs'>, nowMs: number, heartbeatSeconds: number): ClusterStatus {
  if (!c.agentSocket) return 'disconnected';
  const lastSign = c.agentHeartbeatAtMs ?? c.agentConnectedAtMs ?? 0;
  return nowMs - lastSign > MISSED_HEARTBEATS * heartbeatSeconds * 1000 ? 'stale' : 'connected';
}

function view(d: Deps, c: ClusterState): ClusterView {
  return {
    cluster_id: c.clusterId,
    cluster_name: c.clusterName,
    status: clusterStatus(c, d.now(), d.config.kubectl.heartbeatSeconds),
    agent_version: c.agentVersion ?? null,
    kubernetes_version: c.kubernetesVersion ?? null,
    last_heartbeat_at: iso(c.agentHeartbeatAtMs),
    connected_at: c.agentSocket ? iso(c.agentConnectedAtMs) : null,
    token_id: c.tokenId,
    write_mode: c.agentWriteMode ?? null,
  };
}

export async function listClusterConnections(d: Deps, userId: string): Promise<ClusterView[]> {
  const clusters = await listClusters(d.db, userId);
  return clusters.sort((a, b) => a.createdAt.localeCompare(b.createdAt)).map((c) => view(d, c));
}

// ---------------------------------------------------------------------------------------------
// tokens

/** Where agents connect: the setting, else this API's own origin on ws(s)://…/kubectl-agent. */
export function agentWsUrl(d: Deps): string {
  if (d.config.kubectl.wsUrl) return d.config.kubectl.wsUrl;
  const u = new URL(d.config.core.backendUrl);
  u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
  u.pathname = '/kubectl-agent';
  return u.toString().replace(/\/$/, '');
}

function imageParts(image: string): { repository: string; tag: string } {
  const at = image.lastIndexOf(':');
  return at > image.lastIndexOf('/') ? { repository: image.slice(0, at), tag: image.slice(at + 1) } : { repository: image, tag: 'latest' };
}

/** YAML double-quoted scalars are JSON strings, so JSON.stringify quotes every value safely. */
const q = (s: string) => JSON.stringify(s);

export interface TokenIssued {
  token: string;
  token_id: string;
  cluster_id: string;
  cluster_name: string;
  expires_at: string;
  install: { helm_command: string; values_yaml: string };
}

function issued(d: Deps, t: TokenRecord, token: string, upgrade: boolean): TokenIssued {
  const k = d.config.kubectl;
  const { repository, tag } = imageParts(k.agentImage);
  const aurora = [`aurora:`, `  wsEndpoint: ${q(agentWsUrl(d))}`, `  agentToken: ${q(token)}`, `  clusterId: ${q(t.clusterId)}`];
  const values = upgrade
    ? [...aurora, ''].join('\n')
    : [...aurora, `agent:`, `  image:`, `    repository: ${q(repository)}`, `    tag: ${q(tag)}`, ''].join('\n');
  const helm = upgrade
    ? `helm upgrade ${RELEASE} ${k.chartRef} --namespace ${NAMESPACE} --reuse-values -f values.yaml`
    : `helm install ${RELEASE} ${k.chartRef} --namespace ${NAMESPACE} --create-namespace -f values.yaml`;
  return { token, token_id: t.tokenId, cluster_id: t.clusterId, cluster_name: t.clusterName, expires_at: new Date(t.expiresAtMs).toISOString(), install: { helm_command: helm, values_yaml: values } };
}

/** Fixed windows keyed by their start, so every Lambda instance counts in the same item. */
async function takeQuota(d: Deps, userId: string): Promise<void> {
  const { tokenRateLimit, tokenRateWindowSeconds } = d.config.kubectl;
  const windowMs = tokenRateWindowSeconds * 1000;
  const now = d.now();
  const start = now - (now % windowMs);
  const n = await takeTokenQuota(d.db, userId, start, tokenRateWindowSeconds, tokenRateLimit);
  if (n === null) {
    const retry = Math.max(1, Math.ceil((start + windowMs - now) / 1000));
    throw new AppError(429, 'rate_limited', `Too many agent tokens: at most ${tokenRateLimit} per ${Math.round(tokenRateWindowSeconds / 60)} minutes. Try again in ${retry} s.`, {
      headers: { 'retry-after': String(retry) },
    });
  }
}

function expiryMs(d: Deps, days: number | undefined): number {
  const k = d.config.kubectl;
  const n = days ?? Math.min(k.tokenDefaultDays, k.tokenMaxDays);
  if (n > k.tokenMaxDays) throw new AppError(400, 'validation_error', `expires_days must be at most ${k.tokenMaxDays}`, { field: 'expires_days' });
  return d.now() + n * 86400_000;
}

async function newTokenRecord(d: Deps, base: Omit<TokenRecord, 'tokenId' | 'tokenHash' | 'createdAt'>): Promise<{ record: TokenRecord; token: string }> {
  const token = newAgentToken();
  const record: TokenRecord = { ...base, tokenId: newId('kt-'), tokenHash: hashAgentToken(token.reveal()), createdAt: new Date(d.now()).toISOString() };
  return { record, token: token.reveal() };
}

/**
 * POST /api/kubectl/tokens: a new cluster and its first agent token. Writes: name lock (409 when the
 * user already has a cluster of that name), token record, connection record, and last the hash
 * lookup that makes the token usable; anything that fails undoes what came before it.
 */
export async function createClusterToken(d: Deps, userId: string, input: { cluster_name: string; notes?: string; expires_days?: number }): Promise<TokenIssued> {
  const expiresAtMs = expiryMs(d, input.expires_days);
  const clusterId = newId('kc-');
  if (!(await lockClusterName(d.db, userId, input.cluster_name, clusterId))) {
    throw new ConflictError(`You already have a cluster named ${input.cluster_name}; rotate its token or revoke it first`, { code: 'cluster_name_taken', field: 'cluster_name' });
  }
  const undo: Array<() => Promise<unknown>> = [() => releaseClusterName(d.db, userId, input.cluster_name)];
  try {
    await takeQuota(d, userId);
    const { record, token } = await newTokenRecord(d, { userId, clusterId, clusterName: input.cluster_name, notes: input.notes, expiresAtMs });
    await putToken(d.db, record);
    undo.push(() => deleteToken(d.db, userId, record.tokenId));
    await upsertConnection(
      d.db,
      { userId, provider: PROVIDER, accountId: clusterId, accountName: input.cluster_name, status: 'pending', statusReason: 'Waiting for the kubectl agent to connect', metadata: { cluster_name: input.cluster_name, token_id: record.tokenId } },
      { expectedVersion: 0 },
    );
    undo.push(() => deleteConnection(d.db, { userId, provider: PROVIDER, accountId: clusterId }));
    if (!(await setClusterToken(d.db, userId, clusterId, record.tokenId))) throw new ConflictError('The cluster was removed while its token was being created', { code: 'concurrent_update' });
    await putTokenHash(d.db, record);
    await writeAudit(d.db, { userId, action: 'kubectl.token_created', provider: PROVIDER, accountId: clusterId, detail: { tokenId: record.tokenId, expiresAt: new Date(expiresAtMs).toISOString() } });
    log.info('kubectl agent token created', { clusterId, keyId: record.tokenId });
    return issued(d, record, token, false);
  } catch (e) {
    for (const step of undo.reverse()) await step().catch((undoErr: unknown) => log.error('could not undo a partial kubectl token creation', { error: undoErr }));
    throw e;
  }
}

/** POST /api/kubectl/tokens/{token_id}/rotate: a new token for the same cluster; the old one stops working at once. */
export async function rotateClusterToken(d: Deps, userId: string, tokenId: string, input: { expires_days?: number }): Promise<TokenIssued & { replaces_token_id: string }> {
  const old = await getToken(d.db, userId, tokenId);
  if (!old) throw new NotFoundError(`No agent token ${tokenId}`, { code: 'token_not_found', field: 'token_id' });
  if (old.revokedAt) throw new ConflictError(`Agent token ${tokenId} was already ${old.revokeReason ?? 'revoked'}; rotate the cluster's current token`, { code: 'token_revoked', field: 'token_id' });
  const cluster = await getCluster(d.db, userId, old.clusterId);
  if (!cluster || cluster.tokenId !== tokenId) throw new ConflictError(`Agent token ${tokenId} is no longer its cluster's token`, { code: 'token_revoked', field: 'token_id' });
  const expiresAtMs = expiryMs(d, input.expires_days);
  await takeQuota(d, userId);
  const { record, token } = await newTokenRecord(d, { userId, clusterId: old.clusterId, clusterName: old.clusterName, notes: old.notes, expiresAtMs });
  await putToken(d.db, record);
  if (!(await setClusterToken(d.db, userId, old.clusterId, record.tokenId, tokenId))) {
    await deleteToken(d.db, userId, record.tokenId);
    throw new ConflictError('The token was rotated or revoked concurrently', { code: 'concurrent_update', field: 'token_id' });
  }
  await upsertConnection(d.db, { userId, provider: PROVIDER, accountId: old.clusterId, accountName: old.clusterName, status: 'pending', statusReason: 'Token rotated: waiting for the agent to connect with the new token', metadata: { cluster_name: old.clusterName, token_id: record.tokenId } });
  await putTokenHash(d.db, record);
  await deleteTokenHash(d.db, old.tokenHash);
  await markTokenRevoked(d.db, userId, tokenId, new Date(d.now()).toISOString(), 'rotated');
  // the socket (if any) was admitted with the old token: it goes too
  if (cluster.agentSocket) await dropSocket(d, cluster, cluster.agentSocket, 'The agent token was rotated; install the new token');
  await writeAudit(d.db, { userId, action: 'kubectl.token_rotated', provider: PROVIDER, accountId: old.clusterId, detail: { tokenId: record.tokenId, replaces: tokenId } });
  return { ...issued(d, record, token, true), replaces_token_id: tokenId };
}

/** Revoke the socket's right to speak for the cluster, tell the agent, and fail what it was running. */
async function dropSocket(d: Deps, c: Pick<ClusterState, 'userId' | 'clusterId'>, socket: string, reason: string): Promise<void> {
  await detachSocket(d.db, c.userId, c.clusterId, socket);
  await revokeAgentSocket(d, socket, reason).catch((e: unknown) => log.warn('could not close the agent socket', { clusterId: c.clusterId, error: e }));
  for (const id of await pendingCommandsOf(d.db, c.userId, socket)) await failCommand(d.db, c.userId, id, reason);
}

/**
 * Everything the cluster's token allowed stops: the hash lookup goes first (no new socket), then
 * the token is marked revoked and the socket told and closed. Records stay for the caller to remove.
 */
export async function revokeClusterAccess(d: Deps, userId: string, clusterId: string, reason: string): Promise<ClusterState | null> {
  const cluster = await getCluster(d.db, userId, clusterId);
  if (!cluster) return null;
  const token = await getToken(d.db, userId, cluster.tokenId);
  if (token) {
    await deleteTokenHash(d.db, token.tokenHash);
    await markTokenRevoked(d.db, userId, token.tokenId, new Date(d.now()).toISOString(), 'revoked');
  }
  if (cluster.agentSocket) await dropSocket(d, cluster, cluster.agentSocket, reason);
  await releaseClusterName(d.db, userId, cluster.clusterName);
  return cluster;
}

export interface Revoked {
  status: 'revoked';
  cluster_id: string;
  cluster_name: string;
  uninstall: { helm_command: string; note: string };
}

/** DELETE /api/kubectl/connections/{cluster_id} */
export async function revokeCluster(d: Deps, userId: string, clusterId: string): Promise<Revoked> {
  const cluster = await revokeClusterAccess(d, userId, clusterId, 'The cluster was removed from Aurora and its agent token revoked');
  if (!cluster) throw new NotFoundError(`No Kubernetes cluster ${clusterId}`, { code: 'cluster_not_found', field: 'cluster_id' });
  await deleteConnection(d.db, { userId, provider: PROVIDER, accountId: clusterId });
  await writeAudit(d.db, { userId, action: 'kubectl.cluster_revoked', provider: PROVIDER, accountId: clusterId, detail: { tokenId: cluster.tokenId } });
  return {
    status: 'revoked',
    cluster_id: clusterId,
    cluster_name: cluster.clusterName,
    uninstall: {
      helm_command: `helm uninstall ${RELEASE} --namespace ${NAMESPACE}`,
      note: 'The token no longer works and the agent has stopped; uninstall the release to remove the agent and its RBAC from the cluster.',
    },
  };
}

// ---------------------------------------------------------------------------------------------
// commands

export interface ClusterRunResult {
  success: boolean;
  output: string;
  error: string;
  return_code: number;
  truncated: boolean;
  /** the agent refused the command (outside its own verb list) */
  refused: boolean;
  duration_ms: number;
}

const agentNotConnected = (c: ClusterState) =>
  new ProviderUnavailableError(
    `The kubectl agent of cluster ${c.clusterName} (${c.clusterId}) is not connected. Check the agent: kubectl logs -n ${NAMESPACE} -l app.kubernetes.io/name=${RELEASE}`,
    { code: 'agent_not_connected', field: 'cluster_id' },
  );

/** Waits for the agent's answer: consistent reads, backing off from 25 ms to 250 ms. */
async function waitForResult(d: Deps, userId: string, commandId: string, deadline: number) {
  let delay = 25;
  for (;;) {
    const c = await getCommand(d.db, userId, commandId);
    if (!c || c.state !== 'pending') return c;
    if (Date.now() >= deadline) return c;
    await new Promise((r) => setTimeout(r, Math.min(delay, Math.max(1, deadline - Date.now()))));
    delay = Math.min(250, delay * 2);
  }
}

/**
 * Run argv (kubectl and its arguments, already through whatever policy the caller applies) on the
 * user's cluster: the command goes to the agent's socket as kubectl_command, the agent's
 * command_response lands in the command's item, and this request returns it, or a clear error at
 * once when no agent is connected, or when the agent does not answer in time. The wait uses real
 * timers (it is the request's own budget); status and expiry use d.now().
 */
export async function runOnCluster(d: Deps, userId: string, clusterId: string, argv: readonly string[], timeoutMs = d.config.kubectl.commandTimeoutMs): Promise<ClusterRunResult> {
  const cluster = await getCluster(d.db, userId, clusterId);
  if (!cluster) throw new NotFoundError(`No Kubernetes cluster ${clusterId}`, { code: 'cluster_not_found', field: 'cluster_id' });
  if (!cluster.agentSocket) throw agentNotConnected(cluster);
  const socket = cluster.agentSocket;
  const commandId = newId('kx-');
  const started = Date.now();
  const budget = Math.min(timeoutMs, d.config.kubectl.commandTimeoutMs);
  // argv is named by its hash and verb only: cloud_tool's own audit item keeps the redacted argv
  const argvHash = createHash('sha256').update(JSON.stringify(argv)).digest('hex');
  const audit = (detail: Record<string, unknown>) => writeAudit(d.db, { userId, action: 'kubectl.command', provider: PROVIDER, accountId: clusterId, detail: { commandId, argvSha256: argvHash, verb: argv[1] ?? null, durationMs: Date.now() - started, ...detail } });
  try {
    await putCommand(d.db, userId, { commandId, clusterId, socket, argvHash, nowMs: d.now() });
    const sent = await sendToAgent(d, socket, { type: 'kubectl_command', command_id: commandId, argv: [...argv], timeout_ms: budget });
    if (sent === 'gone') {
      await detachSocket(d.db, userId, clusterId, socket);
      await audit({ outcome: 'agent_not_connected' });
      throw agentNotConnected(cluster);
    }
    // the agent stops kubectl at timeout_ms and answers; the margin covers the trip back
    const c = await waitForResult(d, userId, commandId, started + budget + 1500);
    if (c?.state === 'failed') {
      await audit({ outcome: 'agent_lost' });
      throw new ProviderUnavailableError(`${c.failure ?? 'The agent went away'} (cluster ${cluster.clusterName}); the command may or may not have run`, { code: 'agent_disconnected', field: 'cluster_id' });
    }
    if (!c?.result) {
      await audit({ outcome: 'timeout' });
      throw new AppError(504, 'agent_timeout', `The kubectl agent of cluster ${cluster.clusterName} did not answer within ${Math.round(budget / 1000)} s; the command may or may not have run`, { field: 'cluster_id' });
    }
    const r = c.result;
    await audit({ outcome: r.refused ? 'refused_by_agent' : 'ran', returnCode: r.returnCode, truncated: r.truncated });
    return { success: r.success, output: r.output, error: r.error, return_code: r.returnCode, truncated: r.truncated, refused: r.refused, duration_ms: Date.now() - started };
  } finally {
    await deleteCommand(d.db, userId, commandId).catch((e: unknown) => log.warn('could not delete a kubectl command item', { error: e }));
  }
}
