import { GetCommand, PutCommand } from '../db/dynamodb.ts';
import type { Db } from '../db/client.ts';
import type { ProviderId } from '../connectors/generated/ids.ts';

/**
 * Session context for provider selection (the seed's second step): per user and session id, the
 * provider and account the session's last successful command ran on, for a while
 * (CLOUD_TOOL_SESSION_TTL_SECONDS). Kept under the user's own partition, so a session id names
 * nothing of anyone else's: another user sending the same id reads and writes only their own.
 */
export const SESSION_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

const key = (userId: string, sessionId: string) => ({ pk: `USER#${userId}`, sk: `CTXSESSION#${sessionId}` });

export interface SessionContext {
  provider: ProviderId;
  accountId: string;
}

export async function recallSession(db: Db, userId: string, sessionId: string, nowMs: number): Promise<SessionContext | null> {
  const r = await db.doc.send(new GetCommand({ TableName: db.table, Key: key(userId, sessionId), ConsistentRead: true }));
  const item = r.Item;
  // TTL deletion is lazy: an item past its time is already gone as far as selection is concerned
  if (!item || (item.expiresAtMs as number) <= nowMs) return null;
  return { provider: item.provider as ProviderId, accountId: item.accountId as string };
}

export async function rememberSession(db: Db, userId: string, sessionId: string, ctx: SessionContext, ttlSeconds: number, nowMs: number): Promise<void> {
  const expiresAtMs = nowMs + ttlSeconds * 1000;
  await db.doc.send(
    new PutCommand({
      TableName: db.table,
      Item: { ...key(userId, sessionId), kind: 'cloud_tool_session', provider: ctx.provider, accountId: ctx.accountId, updatedAt: new Date(nowMs).toISOString(), expiresAtMs, expiresAt: Math.ceil(expiresAtMs / 1000) },
    }),
  );
}
