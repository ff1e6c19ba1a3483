import { BatchWriteCommand, PutCommand } from '../../db/dynamodb.ts';
import type { Db } from '../../db/client.ts';
import { epochSeconds, queryPrefix } from '../../db/client.ts';
import { userPk } from '../../connections/repo.ts';

/**
 * Ids (never values) of the access tokens we minted and that may still be live, so a disconnect can
 * revoke them at Tailscale instead of leaving them usable for up to an hour. One item per token
 * under the user's partition, `TSTOKEN#<account>#<keyId>`, dropped at its expiry.
 */
const prefix = (accountId?: string) => `TSTOKEN#${accountId === undefined ? '' : `${accountId}#`}`;

export async function recordToken(db: Db, userId: string, accountId: string, keyId: string, expiresAtMs: number): Promise<void> {
  await db.doc.send(
    new PutCommand({
      TableName: db.table,
      Item: { pk: userPk(userId), sk: `${prefix(accountId)}${keyId}`, kind: 'tailscale_token', keyId, accountId, expiresAt: epochSeconds(expiresAtMs) },
    }),
  );
}

interface LedgerItem {
  pk: string;
  sk: string;
  keyId: string;
  expiresAt: number;
}

async function query(db: Db, userId: string, accountId?: string): Promise<LedgerItem[]> {
  return (await queryPrefix(db, userPk(userId), prefix(accountId))) as unknown as LedgerItem[];
}

/** Ids of tokens that have not expired yet (TTL deletion is lazy, so expiry is checked here). */
export async function liveTokenIds(db: Db, userId: string, accountId: string, nowMs: number): Promise<string[]> {
  return (await query(db, userId, accountId)).filter((i) => i.expiresAt > epochSeconds(nowMs)).map((i) => i.keyId);
}

/** Forget the tokens of one account, or of every account of the user. */
export async function forgetTokens(db: Db, userId: string, accountId?: string): Promise<void> {
  const items = await query(db, userId, accountId);
  for (let i = 0; i < items.length; i += 25) {
    let requests: Record<string, unknown[]> | undefined = {
      [db.table]: items.slice(i, i + 25).map((it) => ({ DeleteRequest: { Key: { pk: it.pk, sk: it.sk } } })),
    };
    for (let attempt = 0; requests && Object.keys(requests).length && attempt < 5; attempt++) {
      const r = await db.doc.send(new BatchWriteCommand({ RequestItems: requests as never }));
      requests = r.UnprocessedItems as Record<string, unknown[]> | undefined;
    }
  }
}
