import { GetCommand, PutCommand } from './dynamodb.ts';
import type { Db } from './client.ts';
import { isConditionalCheckFailed, nowIso } from './client.ts';

/**
 * Small per-user values (provider preference, AWS external ID, GCP root project), one item each
 * under the user's partition: `USER#<uid>` / `SETTING#<name>`.
 */
const key = (userId: string, name: string) => ({ pk: `USER#${userId}`, sk: `SETTING#${name}` });

export async function getUserSetting<T>(db: Db, userId: string, name: string): Promise<T | undefined> {
  const r = await db.doc.send(new GetCommand({ TableName: db.table, Key: key(userId, name), ConsistentRead: true }));
  return r.Item?.value as T | undefined;
}

export async function putUserSetting<T>(db: Db, userId: string, name: string, value: T): Promise<void> {
  await db.doc.send(new PutCommand({ TableName: db.table, Item: { ...key(userId, name), kind: 'setting', value, updatedAt: nowIso() } }));
}

/**
 * Write the value only if none exists, and return whichever value won. Used for values that must be
 * issued once per user (the AWS External ID) even when two requests race.
 */
export async function putUserSettingOnce<T>(db: Db, userId: string, name: string, value: T): Promise<T> {
  try {
    await db.doc.send(
      new PutCommand({
        TableName: db.table,
        Item: { ...key(userId, name), kind: 'setting', value, updatedAt: nowIso() },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return value;
  } catch (e) {
    if (!isConditionalCheckFailed(e)) throw e;
    return (await getUserSetting<T>(db, userId, name)) as T;
  }
}
