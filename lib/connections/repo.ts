import { randomUUID } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '../db/dynamodb.ts';
import type { Db } from '../db/client.ts';
import { epochSeconds, isConditionalCheckFailed, nowIso, queryPrefix } from '../db/client.ts';
import { ConflictError } from '../errors.ts';
import type { ProviderId } from '../connectors/generated/ids.ts';
import type { Connection, ConnectionKey, ConnectionMetadata, ConnectionStatus } from './types.ts';

export const userPk = (userId: string) => `USER#${userId}`;
const connSk = (provider: string, accountId: string) => `CONN#${provider}#${accountId}`;
const connKey = (k: ConnectionKey) => ({ pk: userPk(k.userId), sk: connSk(k.provider, k.accountId) });

function fromItem(item: Record<string, unknown>): Connection {
  return {
    userId: item.userId as string,
    provider: item.provider as ProviderId,
    accountId: item.accountId as string,
    accountName: (item.accountName as string) ?? '',
    status: item.status as ConnectionStatus,
    statusReason: item.statusReason as string | undefined,
    metadata: (item.metadata as ConnectionMetadata) ?? {},
    secretRef: item.secretRef as string | undefined,
    createdAt: item.createdAt as string,
    updatedAt: item.updatedAt as string,
    version: (item.version as number) ?? 0,
    failureCount: item.failureCount as number | undefined,
    lastCheckedAt: item.lastCheckedAt as string | undefined,
  };
}

export async function getConnection(db: Db, k: ConnectionKey): Promise<Connection | null> {
  const r = await db.doc.send(new GetCommand({ TableName: db.table, Key: connKey(k), ConsistentRead: true }));
  return r.Item ? fromItem(r.Item) : null;
}

/** Every connection of a user (optionally of one provider), following pagination. */
export async function listConnections(db: Db, userId: string, provider?: ProviderId): Promise<Connection[]> {
  return (await queryPrefix(db, userPk(userId), provider ? `CONN#${provider}#` : 'CONN#')).map(fromItem);
}

/** What listing needs, without metadata and references: half the read work for large accounts. */
export type ConnectionSummary = Pick<Connection, 'provider' | 'accountId' | 'accountName' | 'status' | 'statusReason' | 'createdAt' | 'updatedAt'>;

export async function listConnectionSummaries(db: Db, userId: string): Promise<ConnectionSummary[]> {
  const items = await queryPrefix(db, userPk(userId), 'CONN#', {
    ProjectionExpression: 'provider, accountId, accountName, #status, statusReason, createdAt, updatedAt',
    ExpressionAttributeNames: { '#status': 'status' },
  });
  return items.map((item) => ({
    provider: item.provider as ProviderId,
    accountId: item.accountId as string,
    accountName: (item.accountName as string) ?? '',
    status: item.status as ConnectionStatus,
    statusReason: item.statusReason as string | undefined,
    createdAt: item.createdAt as string,
    updatedAt: item.updatedAt as string,
  }));
}

export interface UpsertInput extends ConnectionKey {
  accountName: string;
  status: ConnectionStatus;
  statusReason?: string;
  metadata: ConnectionMetadata;
  secretRef?: string;
}

/**
 * Create the connection or replace its state. One atomic UpdateItem: concurrent connects of
 * different accounts never interfere, and createdAt survives a reconnect.
 * With `expectedVersion` the write only happens if nobody changed the record since it was read.
 */
export async function upsertConnection(db: Db, input: UpsertInput, opts: { expectedVersion?: number } = {}): Promise<Connection> {
  const now = nowIso();
  const names: Record<string, string> = { '#status': 'status', '#version': 'version' };
  const values: Record<string, unknown> = {
    ':uid': input.userId,
    ':prov': input.provider,
    ':acct': input.accountId,
    ':name': input.accountName,
    ':status': input.status,
    ':meta': input.metadata,
    ':now': now,
    ':zero': 0,
    ':one': 1,
    ':kind': 'connection',
    ':g1pk': `CONN#${input.provider}`,
    ':g1sk': `${input.userId}#${input.accountId}`,
  };
  const sets = [
    'kind = :kind',
    'userId = :uid',
    'provider = :prov',
    'accountId = :acct',
    'accountName = :name',
    '#status = :status',
    'metadata = :meta',
    'updatedAt = :now',
    'createdAt = if_not_exists(createdAt, :now)',
    '#version = if_not_exists(#version, :zero) + :one',
    'failureCount = :zero',
    'gsi1pk = :g1pk',
    'gsi1sk = :g1sk',
  ];
  const removes: string[] = [];
  if (input.statusReason) {
    sets.push('statusReason = :reason');
    values[':reason'] = input.statusReason;
  } else removes.push('statusReason');
  if (input.secretRef) {
    sets.push('secretRef = :ref');
    values[':ref'] = input.secretRef;
  } else removes.push('secretRef');
  let condition: string | undefined;
  if (opts.expectedVersion !== undefined) {
    condition = opts.expectedVersion === 0 ? 'attribute_not_exists(pk)' : '#version = :expected';
    if (opts.expectedVersion !== 0) values[':expected'] = opts.expectedVersion;
  }
  const updated = await conditionalUpdate(db, connKey(input), { sets, removes, names, values, condition });
  if (!updated) throw new ConflictError('The connection was changed concurrently; retry', { code: 'concurrent_update' });
  return updated;
}

export interface StatusChange {
  status: ConnectionStatus;
  reason?: string;
  /** only write if the record still has this version */
  expectedVersion?: number;
  failureCount?: number;
  checkedAt?: string;
  metadata?: ConnectionMetadata;
  accountName?: string;
}

/** Change the state of an existing connection; null when it does not exist (or changed under us). */
export async function updateConnectionStatus(db: Db, k: ConnectionKey, change: StatusChange): Promise<Connection | null> {
  const names: Record<string, string> = { '#status': 'status', '#version': 'version' };
  const values: Record<string, unknown> = { ':status': change.status, ':now': nowIso(), ':one': 1 };
  const sets = ['#status = :status', 'updatedAt = :now', '#version = #version + :one'];
  const removes: string[] = [];
  if (change.reason) {
    sets.push('statusReason = :reason');
    values[':reason'] = change.reason;
  } else removes.push('statusReason');
  if (change.failureCount !== undefined) {
    sets.push('failureCount = :fc');
    values[':fc'] = change.failureCount;
  }
  if (change.checkedAt) {
    sets.push('lastCheckedAt = :checked');
    values[':checked'] = change.checkedAt;
  }
  if (change.metadata) {
    sets.push('metadata = :meta');
    values[':meta'] = change.metadata;
  }
  if (change.accountName !== undefined) {
    sets.push('accountName = :name');
    values[':name'] = change.accountName;
  }
  let condition = 'attribute_exists(pk)';
  if (change.expectedVersion !== undefined) {
    condition += ' AND #version = :expected';
    values[':expected'] = change.expectedVersion;
  }
  return conditionalUpdate(db, connKey(k), { sets, removes, names, values, condition });
}

/** One UpdateItem returning the new connection, or null when its condition did not hold. */
async function conditionalUpdate(
  db: Db,
  key: Record<string, string>,
  u: { sets: string[]; removes: string[]; names: Record<string, string>; values: Record<string, unknown>; condition?: string },
): Promise<Connection | null> {
  try {
    const r = await db.doc.send(
      new UpdateCommand({
        TableName: db.table,
        Key: key,
        UpdateExpression: `SET ${u.sets.join(', ')}${u.removes.length ? ` REMOVE ${u.removes.join(', ')}` : ''}`,
        ConditionExpression: u.condition,
        ExpressionAttributeNames: u.names,
        ExpressionAttributeValues: u.values,
        ReturnValues: 'ALL_NEW',
      }),
    );
    return fromItem(r.Attributes!);
  } catch (e) {
    if (isConditionalCheckFailed(e)) return null;
    throw e;
  }
}

/** Delete and return what was deleted (null when there was nothing). */
export async function deleteConnection(db: Db, k: ConnectionKey): Promise<Connection | null> {
  const r = await db.doc.send(new DeleteCommand({ TableName: db.table, Key: connKey(k), ReturnValues: 'ALL_OLD' }));
  return r.Attributes ? fromItem(r.Attributes) : null;
}

/** Page through every connection of one provider (all users), for scheduled re-validation. */
export async function* scanProviderConnections(db: Db, provider: ProviderId, pageSize = 100): AsyncGenerator<Connection[]> {
  let start: Record<string, unknown> | undefined;
  do {
    const r = await db.doc.send(
      new QueryCommand({
        TableName: db.table,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :p',
        ExpressionAttributeValues: { ':p': `CONN#${provider}` },
        ExclusiveStartKey: start,
        Limit: pageSize,
      }),
    );
    yield (r.Items ?? []).map(fromItem);
    start = r.LastEvaluatedKey;
  } while (start);
}

export interface AuditEvent {
  userId: string;
  action: string;
  provider?: string;
  accountId?: string;
  detail?: Record<string, unknown>;
}

const AUDIT_RETENTION_DAYS = 400;

/** Audit events: who did what to which connection. Never holds secret values (callers pass ids and outcomes). */
export async function writeAudit(db: Db, ev: AuditEvent): Promise<void> {
  const at = nowIso();
  await db.doc.send(
    new PutCommand({
      TableName: db.table,
      Item: {
        pk: userPk(ev.userId),
        sk: `AUDIT#${at}#${randomUUID()}`,
        kind: 'audit',
        at,
        ...ev,
        expiresAt: epochSeconds() + AUDIT_RETENTION_DAYS * 86400,
      },
    }),
  );
}

export async function listAudit(db: Db, userId: string): Promise<Array<AuditEvent & { at: string }>> {
  return (await queryPrefix(db, userPk(userId), 'AUDIT#')) as unknown as Array<AuditEvent & { at: string }>;
}
