import type { Deps } from '../deps.ts';
import { BadRequestError, PayloadTooLargeError, UnauthorizedError } from '../errors.ts';
import { log } from '../log.ts';
import { getConnection } from '../connections/repo.ts';
import type { Connection } from '../connections/types.ts';
import { storeAlert } from '../alerts/store.ts';
import { afterStored } from '../alerts/publish.ts';
import { ALERT_STATUSES, SEVERITIES, type NormalisedEvent } from '../alerts/types.ts';
import type { SecretValue } from '../secret-value.ts';
import { findRegistration, signingSecret, type Registration } from './registry.ts';
import type { Delivery, WebhookHooks } from './types.ts';

/**
 * POST <the connector's webhook path>/{id}: one delivery, from any tool. Nothing here calls out
 * (the tool's API included) before answering: the lookup, the secret and the alerts are ours, and
 * the announcement on the alert bus leaves from the stored item (lib/alerts/publish.ts).
 * Every refusal (an id nobody has, another connector's id, a connection no longer in use, a
 * missing or wrong signature, a time outside the replay window) answers the same 401 and stores
 * nothing; the reason goes to the log.
 */
export interface DeliveryOutcome {
  received: number;
  stored: number;
  duplicates: number;
}

/** At most this many events are taken from one delivery (a Grafana group can hold many alerts). */
const MAX_EVENTS = 100;

const refused = () => new UnauthorizedError('Webhook delivery not authenticated', { code: 'webhook_unauthorized' });

interface Verified {
  reg: Registration;
  conn: Connection;
  secret: SecretValue<string>;
}

/** The connection a delivery's id names, with its secret; refuses what is not one of this connector's live webhooks. */
async function resolve(d: Deps, connector: string, webhookId: string, delivery: Delivery): Promise<Verified> {
  const max = d.config.webhooks.maxBodyBytes;
  if (Buffer.byteLength(delivery.rawBody, 'utf8') > max) throw new PayloadTooLargeError(max);
  const refuse = (reason: string, extra: Record<string, unknown> = {}) => {
    log.warn('webhook delivery refused', { connector, reason, webhook: webhookId.slice(0, 6), ...extra });
    return refused();
  };
  const reg = await findRegistration(d, webhookId);
  if (!reg || reg.connector !== connector) throw refuse('unknown webhook id');
  const conn = await getConnection(d.db, { userId: reg.userId, provider: reg.connector as Connection['provider'], accountId: reg.accountId });
  if (!conn || (conn.status !== 'connected' && conn.status !== 'error')) throw refuse('connection not in use', { status: conn?.status ?? 'removed' });
  const secret = await signingSecret(d, reg);
  if (!secret) throw refuse('signing secret missing');
  return { reg, conn, secret };
}

export async function receiveDelivery(d: Deps, connector: string, hooks: WebhookHooks, webhookId: string, delivery: Delivery): Promise<DeliveryOutcome> {
  const { reg, conn, secret } = await resolve(d, connector, webhookId, delivery);
  const v = hooks.verify(delivery, secret);
  const refuse = (reason: string) => {
    log.warn('webhook delivery refused', { connector, reason, webhook: webhookId.slice(0, 6), userId: reg.userId });
    return refused();
  };
  if (!v.ok) throw refuse(v.reason);
  if (v.sentAt !== 'undated' && Math.abs(d.now() - v.sentAt) > d.config.webhooks.replayWindowMs) throw refuse('outside the replay window');
  const events = hooks.normalise(delivery).slice(0, MAX_EVENTS).map((e) => checked(e, d.now()));
  const outcome: DeliveryOutcome = { received: events.length, stored: 0, duplicates: 0 };
  for (const event of events) {
    const r = await storeAlert(d, { userId: reg.userId, connector, accountId: conn.accountId, event });
    if (r.duplicate) outcome.duplicates++;
    else {
      outcome.stored++;
      afterStored(d, r.item);
    }
  }
  log.info('webhook delivery', { connector, userId: reg.userId, ...outcome });
  return outcome;
}

/** GET on the delivery path: the tool's handshake (Netdata's crc_token), answered with the connection's secret. */
export async function answerChallenge(d: Deps, connector: string, hooks: WebhookHooks, webhookId: string, delivery: Delivery): Promise<{ status: number; body: unknown }> {
  const { secret } = await resolve(d, connector, webhookId, delivery);
  const answer = hooks.challenge?.(delivery, secret) ?? null;
  if (!answer) throw new BadRequestError('This webhook URL accepts the tool\'s deliveries (POST) and its handshake only', { code: 'not_a_handshake' });
  return answer;
}

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** What a normaliser returned, bounded and in the shape the store expects (a bug in one is a 400, not a 500). */
function checked(e: NormalisedEvent, now: number): NormalisedEvent {
  if (typeof e?.eventId !== 'string' || e.eventId.length === 0) throw new BadRequestError('The delivery names no event id', { code: 'malformed_delivery' });
  return {
    eventId: clip(e.eventId, 512),
    type: clip(String(e.type || 'alert'), 128),
    severity: SEVERITIES.includes(e.severity) ? e.severity : 'unknown',
    title: clip(String(e.title || '(untitled)'), 1000),
    status: ALERT_STATUSES.includes(e.status) ? e.status : 'info',
    occurredAt: Number.isFinite(e.occurredAt) ? e.occurredAt : now,
    ...(typeof e.url === 'string' && /^https?:\/\//.test(e.url) ? { url: clip(e.url, 2048) } : {}),
    raw: e.raw,
  };
}
