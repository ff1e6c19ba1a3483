import '../../lazy-core.ts'; // one chunk for what the lazy code shares with its function (lib/lazy-core.ts)
import { createHash } from 'node:crypto';
import type { Severity, AlertStatus, NormalisedEvent } from '../../alerts/types.ts';
import { BadRequestError } from '../../errors.ts';
import { headerHoldsSecret, jsonBody, parseTime } from '../../webhooks/signatures.ts';
import type { WebhookHooks, WebhookTarget } from '../../webhooks/types.ts';
import { datadog } from './definition.ts';
import { apiOf } from './service.ts';

/**
 * Datadog's Webhooks integration signs nothing, but it sends custom headers: ours carries the
 * connection's secret (X-Aurora-Webhook-Secret), compared in constant time. Its payload is ours
 * too (definition.ts): $ID is the event id, the duplicate key; $LAST_UPDATED / $DATE say when it was
 * sent, checked against the replay window.
 */
type Payload = Record<string, unknown>;

/** The webhook's name in Datadog (monitors notify it as @webhook-<name>): stable per connection, never the webhook id itself. */
export const webhookName = (webhookId: string) => `aurora-${createHash('sha256').update(webhookId).digest('hex').slice(0, 12)}`;

const str = (v: unknown) => (typeof v === 'string' && v !== '' && !v.startsWith('$') ? v : undefined);

function statusOf(p: Payload): AlertStatus {
  const t = (str(p.alert_transition) ?? /^\[([^\]]+)\]/.exec(str(p.title) ?? '')?.[1] ?? '').toLowerCase();
  if (/recovered|resolved/.test(t)) return 'resolved';
  if (/triggered|warn|no data|renotify|alert/.test(t)) return 'triggered';
  return 'info';
}

function severityOf(p: Payload): Severity {
  if (str(p.priority)?.toUpperCase() === 'P1') return 'critical';
  switch (str(p.alert_type)?.toLowerCase()) {
    case 'error':
      return 'error';
    case 'warning':
      return 'warning';
    case 'success':
    case 'info':
      return 'info';
    default:
      return 'unknown';
  }
}

function payloadOf(rawBody: string): Payload {
  const p = jsonBody({ headers: {}, rawBody, query: {} });
  if (!p || typeof p !== 'object' || Array.isArray(p)) throw new BadRequestError('A Datadog delivery is a JSON object (the payload GET /datadog/webhook-url shows)', { code: 'malformed_delivery' });
  return p as Payload;
}

const sentAt = (p: Payload) => Math.max(parseTime(p.last_updated) ?? 0, parseTime(p.date) ?? 0) || null;

export const webhook: WebhookHooks = {
  verify(delivery, secret) {
    if (!headerHoldsSecret(delivery, datadog.secretHeader, secret)) return { ok: false, reason: `missing or wrong ${datadog.secretHeader}` };
    const p = jsonBody(delivery) as Payload | null;
    const at = p && typeof p === 'object' ? sentAt(p) : null;
    return at === null ? { ok: false, reason: 'no $DATE or $LAST_UPDATED in the payload' } : { ok: true, sentAt: at };
  },

  normalise(delivery): NormalisedEvent[] {
    const p = payloadOf(delivery.rawBody);
    const id = str(p.id) ?? (typeof p.id === 'number' ? String(p.id) : undefined);
    if (!id) throw new BadRequestError('The Datadog payload has no "id" ($ID)', { code: 'malformed_delivery', field: 'id' });
    return [
      {
        eventId: id,
        type: str(p.event_type) ?? 'monitor',
        severity: severityOf(p),
        title: str(p.title) ?? str(p.alert_status) ?? 'Datadog event',
        status: statusOf(p),
        occurredAt: sentAt(p) ?? Number.NaN,
        ...(str(p.link) ? { url: str(p.link) } : {}),
        raw: p,
      },
    ];
  },

  setup(t: WebhookTarget) {
    const name = t.remote?.name ?? webhookName(t.webhookId);
    return {
      headers: { [datadog.secretHeader]: t.secret.reveal() },
      settings: { name, payload: JSON.stringify(datadog.payload, null, 2), custom_headers: JSON.stringify({ [datadog.secretHeader]: t.secret.reveal() }), encode_as: 'json' },
      steps: [
        'In Datadog: Integrations → Webhooks → + New.',
        `Name: ${name}; URL: ${t.url}.`,
        'Payload: paste settings.payload (keep "id" and "last_updated": they identify each delivery and date it).',
        'Custom Headers: paste settings.custom_headers. Save.',
        `In each monitor that should alert here, add @webhook-${name} to its notification message.`,
      ],
    };
  },

  async create(d, conn, t) {
    const name = t.remote?.name ?? webhookName(t.webhookId);
    const api = await apiOf(d, conn);
    await api.putWebhook({ name, url: t.url, payload: JSON.stringify(datadog.payload), custom_headers: JSON.stringify({ [datadog.secretHeader]: t.secret.reveal() }), encode_as: 'json' });
    return { remoteId: name, remoteName: name, steps: [`Datadog now has the webhook ${name}.`, `In each monitor that should alert here, add @webhook-${name} to its notification message.`] };
  },

  async remove(d, conn, reg) {
    if (!reg.remote) return;
    await (await apiOf(d, conn)).deleteWebhook(reg.remote.id);
  },
};
