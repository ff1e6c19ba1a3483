import { createHash, randomBytes } from 'node:crypto';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from '../db/client.ts';
import { isConditionalCheckFailed } from '../db/client.ts';
import { AppError, ConflictError, NotFoundError } from '../errors.ts';
import type { ProviderId } from '../connectors/generated/ids.ts';

/**
 * Confirmations for destructive, sensitive and unknown commands, kept in DynamoDB (any Lambda
 * instance may receive the confirming request). Each one is stored under its owner's partition,
 * so another user's id is simply not found (404); it is bound to the provider and to the hash of
 * exactly what will run; it expires (checked here: TTL deletion is lazy); and it is spent by one
 * conditional update, so two concurrent uses cannot both pass.
 */

export const CONFIRMATION_ID = /^conf_[A-Za-z0-9_-]{32}$/;

export type ConfirmationState = 'pending' | 'used' | 'cancelled';

const key = (userId: string, id: string) => ({ pk: `USER#${userId}`, sk: `CONFIRM#${id}` });

/** What a confirmation approves: the provider, the account and the exact final argv and scope. */
export function runHash(what: { provider: ProviderId; accountId: string; argv: readonly string[]; env: Record<string, string> }): string {
  const scope = Object.keys(what.env)
    .sort()
    .map((k) => [k, what.env[k]]);
  return createHash('sha256').update(JSON.stringify({ v: 1, provider: what.provider, account: what.accountId, argv: what.argv, scope })).digest('hex');
}

export interface NewConfirmation {
  userId: string;
  provider: ProviderId;
  argvHash: string;
  classification: string;
  ttlSeconds: number;
  nowMs: number;
}

export async function createConfirmation(db: Db, c: NewConfirmation): Promise<{ id: string; expiresAt: string }> {
  const id = `conf_${randomBytes(24).toString('base64url')}`;
  const expiresAtMs = c.nowMs + c.ttlSeconds * 1000;
  await db.doc.send(
    new PutCommand({
      TableName: db.table,
      Item: {
        ...key(c.userId, id),
        kind: 'confirmation',
        userId: c.userId,
        provider: c.provider,
        argvHash: c.argvHash,
        classification: c.classification,
        state: 'pending' satisfies ConfirmationState,
        used: false,
        createdAt: new Date(c.nowMs).toISOString(),
        expiresAtMs,
        // DynamoDB TTL attribute: removes the item some time after expiry
        expiresAt: Math.ceil(expiresAtMs / 1000) + 3600,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
  return { id, expiresAt: new Date(expiresAtMs).toISOString() };
}

interface Item {
  provider: string;
  argvHash: string;
  state: ConfirmationState;
  expiresAtMs: number;
}

export interface ConfirmationUse {
  userId: string;
  id: string;
  provider: ProviderId;
  argvHash: string;
  nowMs: number;
}

/** Why a confirmation cannot be used for this run, as the error the caller gets. */
function refusal(item: Item | undefined, u: ConfirmationUse): AppError | null {
  if (!item) return new NotFoundError('No such confirmation', { code: 'confirmation_not_found', field: 'confirmation_id' });
  if (item.state === 'cancelled') return new ConflictError('This confirmation was cancelled; request a new one', { code: 'confirmation_cancelled', field: 'confirmation_id' });
  if (item.state === 'used') return new ConflictError('This confirmation has already been used; request a new one', { code: 'confirmation_used', field: 'confirmation_id' });
  if (item.expiresAtMs <= u.nowMs) return new AppError(410, 'confirmation_expired', 'This confirmation has expired; request a new one', { field: 'confirmation_id' });
  if (item.provider !== u.provider || item.argvHash !== u.argvHash) {
    return new ConflictError('This confirmation was issued for a different command, provider or project', { code: 'confirmation_mismatch', field: 'confirmation_id' });
  }
  return null;
}

async function read(db: Db, userId: string, id: string): Promise<Item | undefined> {
  const r = await db.doc.send(new GetCommand({ TableName: db.table, Key: key(userId, id), ConsistentRead: true }));
  return r.Item as Item | undefined;
}

/** Check without spending it (before minting credentials), with the precise reason when unusable. */
export async function checkConfirmation(db: Db, u: ConfirmationUse): Promise<void> {
  const err = refusal(await read(db, u.userId, u.id), u);
  if (err) throw err;
}

/** Spend it: exactly one caller wins, whatever the concurrency. */
export async function consumeConfirmation(db: Db, u: ConfirmationUse): Promise<void> {
  try {
    await db.doc.send(
      new UpdateCommand({
        TableName: db.table,
        Key: key(u.userId, u.id),
        UpdateExpression: 'SET used = :t, #state = :used, usedAt = :now',
        ConditionExpression: 'attribute_exists(pk) AND used = :f AND #state = :pending AND provider = :p AND argvHash = :h AND expiresAtMs > :nowMs',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: {
          ':t': true,
          ':f': false,
          ':used': 'used',
          ':pending': 'pending',
          ':p': u.provider,
          ':h': u.argvHash,
          ':nowMs': u.nowMs,
          ':now': new Date(u.nowMs).toISOString(),
        },
      }),
    );
  } catch (e) {
    if (!isConditionalCheckFailed(e)) throw e;
    throw refusal(await read(db, u.userId, u.id), u) ?? new ConflictError('This confirmation has already been used; request a new one', { code: 'confirmation_used', field: 'confirmation_id' });
  }
}

/** Cancel a pending confirmation of the caller; cancelling twice is fine, a used one is not. */
export async function cancelConfirmation(db: Db, userId: string, id: string, nowMs: number): Promise<void> {
  try {
    await db.doc.send(
      new UpdateCommand({
        TableName: db.table,
        Key: key(userId, id),
        UpdateExpression: 'SET #state = :cancelled, cancelledAt = :now',
        ConditionExpression: 'attribute_exists(pk) AND #state IN (:pending, :cancelled)',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':cancelled': 'cancelled', ':pending': 'pending', ':now': new Date(nowMs).toISOString() },
      }),
    );
  } catch (e) {
    if (!isConditionalCheckFailed(e)) throw e;
    const item = await read(db, userId, id);
    if (!item) throw new NotFoundError('No such confirmation', { code: 'confirmation_not_found' });
    throw new ConflictError('This confirmation has already been used', { code: 'confirmation_used' });
  }
}
