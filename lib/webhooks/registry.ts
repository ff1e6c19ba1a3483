import { randomBytes } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand, UpdateCommand } from '../db/dynamodb.ts';
import type { Deps } from '../deps.ts';
import { isConditionalCheckFailed, nowIso } from '../db/client.ts';
import { userPk } from '../connections/repo.ts';
import type { ConnectionKey } from '../connections/types.ts';
import { log } from '../log.ts';
import { secretPath } from '../secrets/port.ts';
import { secret, type SecretValue } from '../secret-value.ts';

/**
 * One webhook per connection: an unguessable id (the delivery URL's last segment, never the user
 * id) and a signing secret of its own in the secret store. The item lives beside the connection,
 * `USER#<uid>` / `WEBHOOK#<connector>#<account>`, and gsi1 finds it by id (`WEBHOOK#<id>`) when a
 * delivery arrives. Creation is conditional, so two concurrent requests end with one webhook.
 */
export interface Registration {
  userId: string;
  connector: string;
  accountId: string;
  webhookId: string;
  secretRef: string;
  /** who chose the secret: we did (the user copies it into the tool), or the tool did (its API returned it) */
  secretSource: 'generated' | 'tool';
  /** what the tool's API created for us (removed at disconnect) */
  remote?: { id: string; name?: string; createdAt: string };
  createdAt: string;
  updatedAt: string;
}

/** 24 random bytes: 32 URL-safe characters. */
export const WEBHOOK_ID = /^[A-Za-z0-9_-]{32}$/;
const newId = () => randomBytes(24).toString('base64url');
const newSecret = () => randomBytes(32).toString('base64url');

const sk = (connector: string, accountId: string) => `WEBHOOK#${connector}#${accountId}`;
const key = (k: ConnectionKey | Registration) => ({ pk: userPk(k.userId), sk: sk('provider' in k ? k.provider : k.connector, k.accountId) });
/** each secret written gets a path of its own, so replacing one never overwrites what the item still names */
const secretName = (webhookId: string) => `webhook-${webhookId}-${randomBytes(4).toString('hex')}`;

function fromItem(item: Record<string, unknown>): Registration {
  return {
    userId: item.userId as string,
    connector: item.connector as string,
    accountId: item.accountId as string,
    webhookId: item.webhookId as string,
    secretRef: item.secretRef as string,
    secretSource: (item.secretSource as Registration['secretSource']) ?? 'generated',
    ...(item.remote ? { remote: item.remote as Registration['remote'] } : {}),
    createdAt: item.createdAt as string,
    updatedAt: item.updatedAt as string,
  };
}

export async function getRegistration(d: Deps, conn: ConnectionKey): Promise<Registration | null> {
  const r = await d.db.doc.send(new GetCommand({ TableName: d.db.table, Key: key(conn), ConsistentRead: true }));
  return r.Item ? fromItem(r.Item) : null;
}

/** The registration a delivery names, by its id; null for an id nobody has. */
export async function findRegistration(d: Deps, webhookId: string): Promise<Registration | null> {
  if (!WEBHOOK_ID.test(webhookId)) return null;
  const r = await d.db.doc.send(
    new QueryCommand({ TableName: d.db.table, IndexName: 'gsi1', KeyConditionExpression: 'gsi1pk = :id', ExpressionAttributeValues: { ':id': `WEBHOOK#${webhookId}` }, Limit: 2 }),
  );
  const found = (r.Items ?? []).filter((i) => i.kind === 'webhook' && i.webhookId === webhookId);
  return found.length === 1 ? fromItem(found[0]) : null;
}

export async function signingSecret(d: Deps, reg: Registration): Promise<SecretValue<string> | null> {
  const doc = await d.secrets.get(reg.secretRef);
  const value = doc?.reveal().webhook_secret;
  return typeof value === 'string' && value.length > 0 ? secret(value) : null;
}

/** The connection's webhook, created (id and secret) on first use. */
export async function ensureRegistration(d: Deps, conn: ConnectionKey): Promise<Registration> {
  const existing = await getRegistration(d, conn);
  if (existing) return existing;
  const webhookId = newId();
  // secret first, item second; the item is only written if nobody else's is there
  const secretRef = await d.secrets.put(secretPath(conn.userId, conn.provider, conn.accountId, secretName(webhookId)), secret({ webhook_secret: newSecret() }));
  const now = nowIso();
  const reg: Registration = { userId: conn.userId, connector: conn.provider, accountId: conn.accountId, webhookId, secretRef, secretSource: 'generated', createdAt: now, updatedAt: now };
  try {
    await d.db.doc.send(
      new PutCommand({
        TableName: d.db.table,
        Item: { ...key(conn), kind: 'webhook', ...reg, gsi1pk: `WEBHOOK#${webhookId}`, gsi1sk: 'WEBHOOK' },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return reg;
  } catch (e) {
    await d.secrets.delete(secretRef).catch((err: unknown) => log.error('could not remove an unused webhook secret', { connector: conn.provider, error: err }));
    if (!isConditionalCheckFailed(e)) throw e;
    const winner = await getRegistration(d, conn);
    if (!winner) throw e;
    return winner;
  }
}

/**
 * Record what the tool's API created, and the secret it chose when it chose one: the new secret is
 * written under a path of its own, the item then points at it (only if unchanged since read), and
 * the old secret goes last, so a failure at any step leaves a consistent pair.
 */
export async function recordRemote(d: Deps, reg: Registration, remote: { id: string; name?: string }, toolSecret?: SecretValue<string>): Promise<Registration> {
  const now = nowIso();
  let secretRef = reg.secretRef;
  if (toolSecret) secretRef = await d.secrets.put(secretPath(reg.userId, reg.connector, reg.accountId, secretName(reg.webhookId)), secret({ webhook_secret: toolSecret.reveal() }));
  const updated: Registration = { ...reg, secretRef, secretSource: toolSecret ? 'tool' : reg.secretSource, remote: { ...remote, createdAt: now }, updatedAt: now };
  try {
    await d.db.doc.send(
      new UpdateCommand({
        TableName: d.db.table,
        Key: key(reg),
        UpdateExpression: 'SET secretRef = :ref, secretSource = :src, remote = :remote, updatedAt = :now',
        ConditionExpression: 'secretRef = :old',
        ExpressionAttributeValues: { ':ref': secretRef, ':src': updated.secretSource, ':remote': updated.remote, ':now': now, ':old': reg.secretRef },
      }),
    );
  } catch (e) {
    if (secretRef !== reg.secretRef) await d.secrets.delete(secretRef).catch(() => undefined);
    throw e;
  }
  if (secretRef !== reg.secretRef) await d.secrets.delete(reg.secretRef);
  return updated;
}

/** The secret first, then the item (a failure half-way leaves an item a retry can remove, never a secret nobody names). */
export async function removeRegistration(d: Deps, reg: Registration): Promise<void> {
  await d.secrets.delete(reg.secretRef);
  await d.db.doc.send(new DeleteCommand({ TableName: d.db.table, Key: key(reg) }));
}
