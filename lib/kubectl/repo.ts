import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '../db/dynamodb.ts';
import type { Db } from '../db/client.ts';
import { isConditionalCheckFailed, queryPrefix } from '../db/client.ts';
import { userPk } from '../connections/repo.ts';

/**
 * Table items of the kubectl agent (design §5 keys):
 *  - the cluster: the connection record USER#<uid> / CONN#kubernetes#<clusterId> (so it lists with
 *    the user's other connections), plus live attributes only this module writes (agent*);
 *  - the token: USER#<uid> / KTOKEN#<tokenId>, holding its SHA-256 only, never the token;
 *  - the hash lookup: KTOKENHASH#<hash> / KTOKENHASH, what $connect reads (one key lookup);
 *  - the name lock: USER#<uid> / KNAME#<name>, one cluster per name and user;
 *  - the socket: KSOCKET#<connectionId> / KSOCKET, whose cluster a socket speaks for;
 *  - a command: USER#<uid> / KCMD#<commandId>, pending until the agent's response lands in it;
 *  - the rate counter: USER#<uid> / KRATE#<windowStart>.
 * The local emulator has no transactions, so multi-item changes are ordered so that a failure
 * half-way never leaves a usable token without its records (the hash lookup is written last and
 * deleted first).
 */
export const PROVIDER = 'kubernetes';
export const clusterKey = (userId: string, clusterId: string) => ({ pk: userPk(userId), sk: `CONN#${PROVIDER}#${clusterId}` });
const tokenKey = (userId: string, tokenId: string) => ({ pk: userPk(userId), sk: `KTOKEN#${tokenId}` });
const hashKey = (hash: string) => ({ pk: `KTOKENHASH#${hash}`, sk: 'KTOKENHASH' });
const nameKey = (userId: string, name: string) => ({ pk: userPk(userId), sk: `KNAME#${name.toLowerCase()}` });
const socketKey = (connectionId: string) => ({ pk: `KSOCKET#${connectionId}`, sk: 'KSOCKET' });
const commandKey = (userId: string, commandId: string) => ({ pk: userPk(userId), sk: `KCMD#${commandId}` });
const rateKey = (userId: string, windowStart: number) => ({ pk: userPk(userId), sk: `KRATE#${windowStart}` });

const ttl = (ms: number) => Math.ceil(ms / 1000);

export interface TokenRecord {
  userId: string;
  tokenId: string;
  clusterId: string;
  clusterName: string;
  notes?: string;
  tokenHash: string;
  createdAt: string;
  expiresAtMs: number;
  revokedAt?: string;
  revokeReason?: string;
}

export interface ClusterState {
  userId: string;
  clusterId: string;
  clusterName: string;
  status: string;
  tokenId: string;
  createdAt: string;
  agentSocket?: string;
  agentConnectedAtMs?: number;
  agentHeartbeatAtMs?: number;
  agentVersion?: string;
  kubernetesVersion?: string;
  agentWriteMode?: boolean;
}

export interface SocketRecord {
  connectionId: string;
  userId: string;
  clusterId: string;
  tokenId: string;
  tokenExpiresAtMs: number;
  connectedAtMs: number;
}

async function put(db: Db, item: Record<string, unknown>, condition?: string): Promise<boolean> {
  try {
    await db.doc.send(new PutCommand({ TableName: db.table, Item: item, ConditionExpression: condition }));
    return true;
  } catch (e) {
    if (isConditionalCheckFailed(e)) return false;
    throw e;
  }
}

async function update(db: Db, input: { Key: Record<string, string>; UpdateExpression: string; ConditionExpression?: string; ExpressionAttributeNames?: Record<string, string>; ExpressionAttributeValues?: Record<string, unknown>; ReturnValues?: 'ALL_NEW' | 'ALL_OLD' }): Promise<Record<string, unknown> | null> {
  try {
    const r = await db.doc.send(new UpdateCommand({ TableName: db.table, ReturnValues: input.ReturnValues ?? 'ALL_NEW', ...input }));
    return r.Attributes ?? {};
  } catch (e) {
    if (isConditionalCheckFailed(e)) return null;
    throw e;
  }
}

const del = (db: Db, Key: Record<string, string>) => db.doc.send(new DeleteCommand({ TableName: db.table, Key }));
const get = async (db: Db, Key: Record<string, string>) => (await db.doc.send(new GetCommand({ TableName: db.table, Key, ConsistentRead: true }))).Item;

// ---------------------------------------------------------------------------------------------
// names, tokens, hashes

export const lockClusterName = (db: Db, userId: string, name: string, clusterId: string) =>
  put(db, { ...nameKey(userId, name), kind: 'kubectl_name', userId, clusterId }, 'attribute_not_exists(pk)');
export const releaseClusterName = (db: Db, userId: string, name: string) => del(db, nameKey(userId, name));

export async function putToken(db: Db, t: TokenRecord): Promise<void> {
  // kept a while after expiry so a late $connect still finds why it is refused
  const expiresAt = ttl(t.expiresAtMs) + 30 * 86400;
  await put(db, { ...tokenKey(t.userId, t.tokenId), kind: 'kubectl_token', ...t, expiresAt }, 'attribute_not_exists(pk)');
}

export async function putTokenHash(db: Db, t: TokenRecord): Promise<void> {
  await put(db, { ...hashKey(t.tokenHash), kind: 'kubectl_token_hash', userId: t.userId, tokenId: t.tokenId, clusterId: t.clusterId, tokenHash: t.tokenHash, expiresAt: ttl(t.expiresAtMs) }, 'attribute_not_exists(pk)');
}

export const deleteTokenHash = (db: Db, hash: string) => del(db, hashKey(hash));
export const deleteToken = (db: Db, userId: string, tokenId: string) => del(db, tokenKey(userId, tokenId));

export async function findTokenByHash(db: Db, hash: string): Promise<{ userId: string; tokenId: string; clusterId: string; tokenHash: string } | null> {
  const item = await get(db, hashKey(hash));
  return item ? { userId: item.userId as string, tokenId: item.tokenId as string, clusterId: item.clusterId as string, tokenHash: item.tokenHash as string } : null;
}

export async function getToken(db: Db, userId: string, tokenId: string): Promise<TokenRecord | null> {
  const item = await get(db, tokenKey(userId, tokenId));
  if (!item) return null;
  return {
    userId: item.userId as string,
    tokenId: item.tokenId as string,
    clusterId: item.clusterId as string,
    clusterName: item.clusterName as string,
    notes: item.notes as string | undefined,
    tokenHash: item.tokenHash as string,
    createdAt: item.createdAt as string,
    expiresAtMs: item.expiresAtMs as number,
    revokedAt: item.revokedAt as string | undefined,
    revokeReason: item.revokeReason as string | undefined,
  };
}

/** Revoked once: false when it already was (or does not exist). */
export async function markTokenRevoked(db: Db, userId: string, tokenId: string, at: string, reason: string): Promise<boolean> {
  const r = await update(db, {
    Key: tokenKey(userId, tokenId),
    UpdateExpression: 'SET revokedAt = :at, revokeReason = :reason',
    ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(revokedAt)',
    ExpressionAttributeValues: { ':at': at, ':reason': reason },
  });
  return r !== null;
}

// ---------------------------------------------------------------------------------------------
// the cluster (the connection record's live attributes)

function toCluster(item: Record<string, unknown>): ClusterState {
  const meta = (item.metadata as Record<string, unknown> | undefined) ?? {};
  return {
    userId: item.userId as string,
    clusterId: item.accountId as string,
    clusterName: (meta.cluster_name as string) ?? (item.accountName as string),
    status: item.status as string,
    tokenId: item.tokenId as string,
    createdAt: item.createdAt as string,
    agentSocket: item.agentSocket as string | undefined,
    agentConnectedAtMs: item.agentConnectedAtMs as number | undefined,
    agentHeartbeatAtMs: item.agentHeartbeatAtMs as number | undefined,
    agentVersion: item.agentVersion as string | undefined,
    kubernetesVersion: item.kubernetesVersion as string | undefined,
    agentWriteMode: item.agentWriteMode as boolean | undefined,
  };
}

export async function getCluster(db: Db, userId: string, clusterId: string): Promise<ClusterState | null> {
  const item = await get(db, clusterKey(userId, clusterId));
  return item && item.tokenId ? toCluster(item) : null;
}

export async function listClusters(db: Db, userId: string): Promise<ClusterState[]> {
  return (await queryPrefix(db, userPk(userId), `CONN#${PROVIDER}#`)).filter((i) => i.tokenId).map(toCluster);
}

/** Which token is the cluster's: written right after the connection record is created, and on rotation. */
export async function setClusterToken(db: Db, userId: string, clusterId: string, tokenId: string, expectedTokenId?: string): Promise<boolean> {
  const r = await update(db, {
    Key: clusterKey(userId, clusterId),
    UpdateExpression: 'SET tokenId = :t',
    ConditionExpression: expectedTokenId ? 'attribute_exists(pk) AND tokenId = :old' : 'attribute_exists(pk)',
    ExpressionAttributeValues: { ':t': tokenId, ...(expectedTokenId ? { ':old': expectedTokenId } : {}) },
  });
  return r !== null;
}

/**
 * The socket now speaks for the cluster, if the token it presented is still the cluster's.
 * Returns the socket it replaced (to be closed), undefined when none, null when refused.
 */
export async function attachSocket(db: Db, s: SocketRecord): Promise<{ replaced?: string } | null> {
  const old = await update(db, {
    Key: clusterKey(s.userId, s.clusterId),
    UpdateExpression: 'SET agentSocket = :c, agentConnectedAtMs = :at REMOVE agentHeartbeatAtMs, agentRegisteredAtMs',
    ConditionExpression: 'attribute_exists(pk) AND tokenId = :t',
    ExpressionAttributeValues: { ':c': s.connectionId, ':at': s.connectedAtMs, ':t': s.tokenId },
    ReturnValues: 'ALL_OLD',
  });
  if (old === null) return null;
  const replaced = old.agentSocket as string | undefined;
  return { replaced: replaced && replaced !== s.connectionId ? replaced : undefined };
}

export async function recordRegister(db: Db, s: SocketRecord, r: { agentVersion: string; kubernetesVersion: string; writeMode: boolean; nowMs: number }): Promise<ClusterState | null> {
  const item = await update(db, {
    Key: clusterKey(s.userId, s.clusterId),
    UpdateExpression: 'SET agentVersion = :av, kubernetesVersion = :kv, agentWriteMode = :wm, agentHeartbeatAtMs = :now, agentRegisteredAtMs = :now',
    ConditionExpression: 'agentSocket = :c',
    ExpressionAttributeValues: { ':av': r.agentVersion, ':kv': r.kubernetesVersion, ':wm': r.writeMode, ':now': r.nowMs, ':c': s.connectionId },
  });
  return item ? toCluster(item) : null;
}

export async function recordHeartbeat(db: Db, s: SocketRecord, nowMs: number): Promise<boolean> {
  const r = await update(db, {
    Key: clusterKey(s.userId, s.clusterId),
    UpdateExpression: 'SET agentHeartbeatAtMs = :now',
    ConditionExpression: 'agentSocket = :c',
    ExpressionAttributeValues: { ':now': nowMs, ':c': s.connectionId },
  });
  return r !== null;
}

/** The socket no longer speaks for the cluster (closed, gone, revoked): true if it did until now. */
export async function detachSocket(db: Db, userId: string, clusterId: string, connectionId: string): Promise<boolean> {
  const r = await update(db, {
    Key: clusterKey(userId, clusterId),
    UpdateExpression: 'REMOVE agentSocket, agentHeartbeatAtMs, agentRegisteredAtMs',
    ConditionExpression: 'agentSocket = :c',
    ExpressionAttributeValues: { ':c': connectionId },
  });
  return r !== null;
}

// ---------------------------------------------------------------------------------------------
// sockets

export async function putSocket(db: Db, s: SocketRecord): Promise<void> {
  // API Gateway closes a WebSocket after 2 hours at most
  await put(db, { ...socketKey(s.connectionId), kind: 'kubectl_socket', ...s, expiresAt: ttl(s.connectedAtMs) + 3 * 3600 });
}

export async function getSocket(db: Db, connectionId: string): Promise<SocketRecord | null> {
  const item = await get(db, socketKey(connectionId));
  if (!item) return null;
  return {
    connectionId,
    userId: item.userId as string,
    clusterId: item.clusterId as string,
    tokenId: item.tokenId as string,
    tokenExpiresAtMs: item.tokenExpiresAtMs as number,
    connectedAtMs: item.connectedAtMs as number,
  };
}

export const deleteSocket = (db: Db, connectionId: string) => del(db, socketKey(connectionId));

// ---------------------------------------------------------------------------------------------
// commands

export interface CommandResult {
  success: boolean;
  output: string;
  error: string;
  returnCode: number;
  truncated: boolean;
  refused: boolean;
}

export interface CommandRecord {
  commandId: string;
  clusterId: string;
  socket: string;
  state: 'pending' | 'done' | 'failed';
  result?: CommandResult;
  failure?: string;
}

export async function putCommand(db: Db, userId: string, c: { commandId: string; clusterId: string; socket: string; argvHash: string; nowMs: number }): Promise<void> {
  await put(
    db,
    { ...commandKey(userId, c.commandId), kind: 'kubectl_command', commandId: c.commandId, clusterId: c.clusterId, socket: c.socket, argvHash: c.argvHash, state: 'pending', createdAtMs: c.nowMs, expiresAt: ttl(c.nowMs) + 3600 },
    'attribute_not_exists(pk)',
  );
}

export async function getCommand(db: Db, userId: string, commandId: string): Promise<CommandRecord | null> {
  const item = await get(db, commandKey(userId, commandId));
  if (!item) return null;
  return { commandId, clusterId: item.clusterId as string, socket: item.socket as string, state: item.state as CommandRecord['state'], result: item.result as CommandResult | undefined, failure: item.failure as string | undefined };
}

/** The agent's answer, accepted only from the socket the command was sent to, and only once. */
export async function completeCommand(db: Db, userId: string, commandId: string, socket: string, result: CommandResult): Promise<boolean> {
  const r = await update(db, {
    Key: commandKey(userId, commandId),
    UpdateExpression: 'SET #state = :done, #result = :r',
    ConditionExpression: 'attribute_exists(pk) AND #state = :pending AND socket = :s',
    ExpressionAttributeNames: { '#state': 'state', '#result': 'result' },
    ExpressionAttributeValues: { ':done': 'done', ':pending': 'pending', ':r': result, ':s': socket },
  });
  return r !== null;
}

export async function failCommand(db: Db, userId: string, commandId: string, failure: string): Promise<boolean> {
  const r = await update(db, {
    Key: commandKey(userId, commandId),
    UpdateExpression: 'SET #state = :failed, failure = :f',
    ConditionExpression: 'attribute_exists(pk) AND #state = :pending',
    ExpressionAttributeNames: { '#state': 'state' },
    ExpressionAttributeValues: { ':failed': 'failed', ':pending': 'pending', ':f': failure },
  });
  return r !== null;
}

export const deleteCommand = (db: Db, userId: string, commandId: string) => del(db, commandKey(userId, commandId));

export async function pendingCommandsOf(db: Db, userId: string, socket: string): Promise<string[]> {
  const items = await queryPrefix(db, userPk(userId), 'KCMD#');
  return items.filter((i) => i.socket === socket && i.state === 'pending').map((i) => i.commandId as string);
}

// ---------------------------------------------------------------------------------------------
// rate limit

/** One more token in the user's current window, unless the window is full: the count after, or null. */
export async function takeTokenQuota(db: Db, userId: string, windowStartMs: number, windowSeconds: number, limit: number): Promise<number | null> {
  const r = await update(db, {
    Key: rateKey(userId, windowStartMs),
    UpdateExpression: 'ADD #n :one SET kind = :kind, expiresAt = :exp',
    ConditionExpression: 'attribute_not_exists(#n) OR #n < :limit',
    ExpressionAttributeNames: { '#n': 'count' },
    ExpressionAttributeValues: { ':one': 1, ':limit': limit, ':kind': 'kubectl_rate', ':exp': ttl(windowStartMs) + windowSeconds + 60 },
  });
  return r === null ? null : (r.count as number);
}
