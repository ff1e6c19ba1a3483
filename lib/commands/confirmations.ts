import { createHash, randomBytes } from 'node:crypto';
import { GetCommand, PutCommand, UpdateCommand } from '../db/dynamodb.ts';
import type { Db } from '../db/client.ts';
import { isConditionalCheckFailed, queryPrefix } from '../db/client.ts';
import { AppError, ConflictError, NotFoundError } from '../errors.ts';
import type { ProviderId } from '../connectors/generated/ids.ts';

/**
 * Confirmations for destructive, sensitive and unknown commands, kept in DynamoDB (any Lambda
 * instance may receive the confirming request). Each one is stored under its owner's partition,
 * so another user's id is simply not found (404); it is bound to the provider and to the hash of
 * exactly what will run; it expires (checked here: TTL deletion is lazy); and it is spent by one
 * conditional update, so two concurrent uses cannot both pass.
 *
 * One an agent asked for over MCP (lib/mcp/) must first be approved by the person, with their own
 * session (POST /api/cloud_tool/confirmations/{id}/approve, the console's Approvals page): the
 * agent's call with it is refused while it is pending. The person's own call needs no approval:
 * sending it back is their approval. Either side may cancel it.
 */

export const CONFIRMATION_ID = /^conf_[A-Za-z0-9_-]{32}$/;

export type ConfirmationState = 'pending' | 'approved' | 'used' | 'cancelled';

const key = (userId: string, id: string) => ({ pk: `USER#${userId}`, sk: `CONFIRM#${id}` });

/** What a confirmation approves: the provider, the account and the exact final argv and scope. */
export function runHash(what: { provider: ProviderId; accountId: string; argv: readonly string[]; env: Record<string, string> }): string {
  const scope = Object.keys(what.env)
    .sort()
    .map((k) => [k, what.env[k]]);
  return createHash('sha256').update(JSON.stringify({ v: 1, provider: what.provider, account: what.accountId, argv: what.argv, scope })).digest('hex');
}

/** Who asked: the person (HTTP) or an agent on the MCP endpoint, by its token's name. */
export type Requester = { kind: 'user' } | { kind: 'agent'; name: string };

export interface NewConfirmation {
  userId: string;
  provider: ProviderId;
  argvHash: string;
  classification: string;
  ttlSeconds: number;
  nowMs: number;
  /** what the person is shown before approving: argv with typed secret values redacted (as the audit keeps it) */
  argv: string[];
  command: string;
  reason: string;
  accountId: string;
  requestedBy: Requester;
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
        argv: c.argv,
        command: c.command,
        reason: c.reason,
        accountId: c.accountId,
        requestedBy: c.requestedBy,
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
  /** an agent's use: only an approved confirmation runs */
  requireApproval?: boolean;
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
  if (u.requireApproval && item.state !== 'approved') {
    return new ConflictError('The person has not approved this command yet; they approve or cancel it in the console, then call again with the same confirmation_id', {
      code: 'confirmation_not_approved',
      field: 'confirmation_id',
    });
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
        ConditionExpression: `attribute_exists(pk) AND used = :f AND ${u.requireApproval ? '#state = :approved' : '#state IN (:pending, :approved)'} AND provider = :p AND argvHash = :h AND expiresAtMs > :nowMs`,
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: {
          ':t': true,
          ':f': false,
          ':used': 'used',
          ...(u.requireApproval ? {} : { ':pending': 'pending' }),
          ':approved': 'approved',
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
        ConditionExpression: 'attribute_exists(pk) AND #state IN (:pending, :approved, :cancelled)',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':cancelled': 'cancelled', ':pending': 'pending', ':approved': 'approved', ':now': new Date(nowMs).toISOString() },
      }),
    );
  } catch (e) {
    if (!isConditionalCheckFailed(e)) throw e;
    const item = await read(db, userId, id);
    if (!item) throw new NotFoundError('No such confirmation', { code: 'confirmation_not_found' });
    throw new ConflictError('This confirmation has already been used', { code: 'confirmation_used' });
  }
}

/** The person approves a pending confirmation (their own session only); approving twice is fine. */
export async function approveConfirmation(db: Db, userId: string, id: string, nowMs: number): Promise<void> {
  try {
    await db.doc.send(
      new UpdateCommand({
        TableName: db.table,
        Key: key(userId, id),
        UpdateExpression: 'SET #state = :approved, approvedAt = :now',
        ConditionExpression: 'attribute_exists(pk) AND #state IN (:pending, :approved) AND expiresAtMs > :nowMs',
        ExpressionAttributeNames: { '#state': 'state' },
        ExpressionAttributeValues: { ':approved': 'approved', ':pending': 'pending', ':nowMs': nowMs, ':now': new Date(nowMs).toISOString() },
      }),
    );
  } catch (e) {
    if (!isConditionalCheckFailed(e)) throw e;
    const item = await read(db, userId, id);
    if (!item) throw new NotFoundError('No such confirmation', { code: 'confirmation_not_found' });
    if (item.state === 'cancelled') throw new ConflictError('This confirmation was cancelled', { code: 'confirmation_cancelled' });
    if (item.state === 'used') throw new ConflictError('This confirmation has already been used', { code: 'confirmation_used' });
    throw new AppError(410, 'confirmation_expired', 'This confirmation has expired; the agent must ask again');
  }
}

export interface PendingConfirmation {
  id: string;
  provider: string;
  account_id: string | null;
  command: string;
  argv: string[];
  classification: string;
  reason: string;
  requested_by: Requester;
  state: 'pending' | 'approved';
  created_at: string;
  expires_at: string;
}

/** The caller's confirmations still waiting to be used (pending or approved, not expired), oldest first. */
export async function listOpenConfirmations(db: Db, userId: string, nowMs: number): Promise<PendingConfirmation[]> {
  const items = await queryPrefix(db, `USER#${userId}`, 'CONFIRM#');
  return items
    .filter((i) => (i.state === 'pending' || i.state === 'approved') && (i.expiresAtMs as number) > nowMs)
    .map((i) => ({
      id: String(i.sk).slice('CONFIRM#'.length),
      provider: i.provider as string,
      account_id: (i.accountId as string | undefined) ?? null,
      command: (i.command as string | undefined) ?? '',
      argv: (i.argv as string[] | undefined) ?? [],
      classification: i.classification as string,
      reason: (i.reason as string | undefined) ?? '',
      requested_by: (i.requestedBy as Requester | undefined) ?? { kind: 'user' },
      state: i.state as 'pending' | 'approved',
      created_at: i.createdAt as string,
      expires_at: new Date(i.expiresAtMs as number).toISOString(),
    }))
    .sort((a, b) => a.created_at.localeCompare(b.created_at));
}
