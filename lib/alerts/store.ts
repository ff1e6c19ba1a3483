import '../lazy-core.ts'; // one chunk for what the lazy code shares with its function (lib/lazy-core.ts)
import { createHash } from 'node:crypto';
import { GetCommand, PutCommand, QueryCommand } from '../db/dynamodb.ts';
import type { Deps } from '../deps.ts';
import { epochSeconds, isConditionalCheckFailed, isExpired } from '../db/client.ts';
import { NotFoundError, ValidationError } from '../errors.ts';
import { userPk } from '../connections/repo.ts';
import { toAlertView, type Alert, type AlertView, type NormalisedEvent } from './types.ts';

/**
 * Alerts, one item each under the user's partition: `USER#<uid>` / `ALERT#<id>`, where the id is
 * derived from the connector, the connection and the tool's event id. Writing is conditional on
 * the item not existing, so a delivery the tool sends three times is stored once, atomically,
 * without a transaction. Listing, newest first, goes through gsi1 (`ALERTS#<uid>`, received time).
 * Every item expires after ALERT_RETENTION_DAYS; reads check the expiry themselves (TTL deletion
 * is lazy, and absent locally).
 */
const listPk = (userId: string) => `ALERTS#${userId}`;
const alertSk = (id: string) => `ALERT#${id}`;
export const ALERT_ID = /^[A-Za-z0-9_-]{24}$/;
/** what is kept of each event's part of the delivery (a DynamoDB item holds 400 KB at most) */
const RAW_MAX_CHARS = 65536;

export function alertId(connector: string, accountId: string, eventId: string): string {
  return createHash('sha256').update(`${connector}\n${accountId}\n${eventId}`).digest('base64url').slice(0, 24);
}

export interface StoreInput {
  userId: string;
  connector: string;
  accountId: string;
  event: NormalisedEvent;
}

export interface StoredAlert {
  alert: Alert;
  /** the item as written (what the DynamoDB stream consumer sees), for the local bus */
  item: Record<string, unknown>;
  duplicate: boolean;
}

export async function storeAlert(d: Deps, input: StoreInput): Promise<StoredAlert> {
  const { event } = input;
  const now = d.now();
  const id = alertId(input.connector, input.accountId, event.eventId);
  const alert: Alert = {
    id,
    userId: input.userId,
    connector: input.connector,
    accountId: input.accountId,
    eventId: event.eventId,
    type: event.type,
    severity: event.severity,
    title: event.title,
    status: event.status,
    occurredAt: new Date(event.occurredAt).toISOString(),
    receivedAt: new Date(now).toISOString(),
    ...(event.url ? { url: event.url } : {}),
  };
  let raw = JSON.stringify(event.raw ?? null);
  const rawTruncated = raw.length > RAW_MAX_CHARS;
  if (rawTruncated) raw = raw.slice(0, RAW_MAX_CHARS);
  const item = {
    pk: userPk(input.userId),
    sk: alertSk(id),
    kind: 'alert',
    ...alert,
    raw,
    ...(rawTruncated ? { rawTruncated: true } : {}),
    gsi1pk: listPk(input.userId),
    gsi1sk: `${alert.receivedAt}#${id}`,
    expiresAt: epochSeconds(now) + d.config.alerts.retentionDays * 86400,
  };
  try {
    await d.db.doc.send(
      new PutCommand({
        TableName: d.db.table,
        Item: item,
        // an expired item that TTL has not removed yet does not count
        ConditionExpression: 'attribute_not_exists(pk) OR expiresAt <= :now',
        ExpressionAttributeValues: { ':now': epochSeconds(now) },
      }),
    );
  } catch (e) {
    if (isConditionalCheckFailed(e)) return { alert, item, duplicate: true };
    throw e;
  }
  return { alert, item, duplicate: false };
}

const FIELDS = ['id', 'userId', 'connector', 'accountId', 'eventId', 'type', 'severity', 'title', 'status', 'occurredAt', 'receivedAt', 'url', 'expiresAt'];
const names = Object.fromEntries(FIELDS.map((f) => [`#${f}`, f]));

function fromItem(item: Record<string, unknown>): Alert {
  const a = Object.fromEntries(FIELDS.filter((f) => f !== 'expiresAt' && item[f] !== undefined).map((f) => [f, item[f]]));
  return a as unknown as Alert;
}

/** The cursor is the position after the last alert returned: its sort keys, opaque to the caller. */
function encodeCursor(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify({ s: key.sk, g: key.gsi1sk })).toString('base64url');
}

function decodeCursor(userId: string, cursor: string): Record<string, string> {
  let c: { s?: unknown; g?: unknown };
  try {
    c = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as typeof c;
  } catch {
    throw new ValidationError('cursor is not a cursor this API returned', 'cursor');
  }
  const sk = typeof c?.s === 'string' ? c.s : '';
  const g = typeof c?.g === 'string' ? c.g : '';
  const id = /^ALERT#([A-Za-z0-9_-]{24})$/.exec(sk)?.[1];
  if (!id || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z#/.test(g) || !g.endsWith(`#${id}`)) {
    throw new ValidationError('cursor is not a cursor this API returned', 'cursor');
  }
  return { pk: userPk(userId), sk, gsi1pk: listPk(userId), gsi1sk: g };
}

/** Pages of the index read for one answer at most, when a connector filter skips most items. */
const MAX_PAGES = 20;

/**
 * The user's alerts, newest first, `limit` at a time; `connector` keeps one tool's. The cursor
 * continues where the previous answer stopped (null: nothing more).
 */
export async function listAlerts(d: Deps, userId: string, opts: { connector?: string; cursor?: string; limit?: number } = {}): Promise<{ alerts: AlertView[]; cursor: string | null }> {
  const limit = opts.limit ?? 50;
  let start: Record<string, unknown> | undefined = opts.cursor ? decodeCursor(userId, opts.cursor) : undefined;
  const alerts: AlertView[] = [];
  const filters = ['#expiresAt > :now', ...(opts.connector ? ['#connector = :connector'] : [])];
  for (let page = 0; page < MAX_PAGES && alerts.length < limit; page++) {
    const r = await d.db.doc.send(
      new QueryCommand({
        TableName: d.db.table,
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :pk',
        FilterExpression: filters.join(' AND '),
        ProjectionExpression: FIELDS.map((f) => `#${f}`).join(', '),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: { ':pk': listPk(userId), ':now': epochSeconds(d.now()), ...(opts.connector ? { ':connector': opts.connector } : {}) },
        ScanIndexForward: false,
        // never more than still fits: every item read up to the cursor is either returned or filtered out
        Limit: limit - alerts.length,
        ExclusiveStartKey: start,
      }),
    );
    for (const item of r.Items ?? []) alerts.push(toAlertView(fromItem(item)));
    start = r.LastEvaluatedKey;
    if (!start) break;
  }
  return { alerts, cursor: start ? encodeCursor(start) : null };
}

/** One alert with the part of the delivery it came from; null when it is not the user's (or expired). */
export async function getAlert(d: Deps, userId: string, id: string): Promise<(AlertView & { raw: unknown; raw_truncated?: boolean }) | null> {
  if (!ALERT_ID.test(id)) return null;
  const r = await d.db.doc.send(new GetCommand({ TableName: d.db.table, Key: { pk: userPk(userId), sk: alertSk(id) }, ConsistentRead: true }));
  const item = r.Item;
  if (!item || item.kind !== 'alert' || isExpired(item as { expiresAt?: number }, d.now())) return null;
  let raw: unknown = item.raw;
  if (!item.rawTruncated) {
    try {
      raw = JSON.parse(String(item.raw));
    } catch {
      /* kept as text */
    }
  }
  return { ...toAlertView(fromItem(item)), raw, ...(item.rawTruncated ? { raw_truncated: true } : {}) };
}

/** GET /api/alerts/{alert_id}: the alert, or 404 (another user's id included). */
export async function alertOf(d: Deps, userId: string, id: string) {
  const a = await getAlert(d, userId, id);
  if (!a) throw new NotFoundError('No such alert', { code: 'alert_not_found' });
  return a;
}
