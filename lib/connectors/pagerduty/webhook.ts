import '../../lazy-core.ts'; // one chunk for what the lazy code shares with its function (lib/lazy-core.ts)
import type { AlertStatus, NormalisedEvent, Severity } from '../../alerts/types.ts';
import { BadRequestError, ProviderUnavailableError } from '../../errors.ts';
import { secret as secretValue } from '../../secret-value.ts';
import { hmacMatches, jsonBody, parseTime } from '../../webhooks/signatures.ts';
import type { Delivery, WebhookHooks, WebhookTarget } from '../../webhooks/types.ts';
import { pagerdutyApi } from './adapter.ts';
import { pagerduty } from './definition.ts';
import { credentialOf } from './tokens.ts';

/**
 * PagerDuty v3 webhooks (Generic Webhooks v3). Each delivery holds one event and is signed:
 * `X-PagerDuty-Signature: v1=<hex HMAC-SHA256 of the raw body>`, with one `v1=` per active secret
 * while PagerDuty rotates one (any match is enough). PagerDuty chooses the secret itself and shows
 * it once, when the subscription is created, so we create it through the API
 * (POST /webhook_subscriptions) and keep the secret it answers with. The event's `id` is the
 * duplicate key; its `occurred_at`, inside the signed body, is checked against the replay window.
 */
interface Event {
  id?: unknown;
  event_type?: unknown;
  resource_type?: unknown;
  occurred_at?: unknown;
  data?: Record<string, unknown> | null;
}

const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);

function eventOf(d: Delivery): Event | null {
  const body = jsonBody(d) as { event?: unknown } | null;
  const ev = body && typeof body === 'object' && !Array.isArray(body) ? body.event : undefined;
  return ev && typeof ev === 'object' && !Array.isArray(ev) ? (ev as Event) : null;
}

function statusOf(ev: Event): AlertStatus {
  const s = str(ev.data?.status) ?? str(ev.event_type)?.replace(/^incident\./, '');
  if (s === 'triggered' || s === 'acknowledged' || s === 'resolved') return s;
  return str(ev.event_type)?.startsWith('incident.') ? 'triggered' : 'info';
}

function severityOf(ev: Event): Severity {
  const priority = ev.data?.priority as { summary?: unknown } | null | undefined;
  const p = str(priority?.summary)?.toUpperCase();
  if (p === 'P1') return 'critical';
  if (p === 'P2') return 'error';
  if (ev.data?.urgency === 'high') return 'error';
  if (ev.data?.urgency === 'low') return 'warning';
  return str(ev.event_type) === 'pagey.ping' ? 'info' : 'unknown';
}

export const webhook: WebhookHooks = {
  verify(delivery, secret) {
    const header = delivery.headers[pagerduty.signatureHeader];
    const sigs = typeof header === 'string' ? header.split(',').map((s) => s.trim()).filter((s) => s.startsWith('v1=')) : [];
    if (sigs.length === 0) return { ok: false, reason: 'missing X-PagerDuty-Signature (v1=…)' };
    // every candidate is compared, so the time taken does not say which one matched
    let matched = false;
    for (const s of sigs.slice(0, 8)) matched = hmacMatches(s, secret, delivery.rawBody, { prefix: 'v1=' }) || matched;
    if (!matched) return { ok: false, reason: 'no X-PagerDuty-Signature matches' };
    const at = parseTime(eventOf(delivery)?.occurred_at);
    return at === null ? { ok: false, reason: 'no event.occurred_at in the payload' } : { ok: true, sentAt: at };
  },

  normalise(delivery): NormalisedEvent[] {
    const ev = eventOf(delivery);
    if (!ev) throw new BadRequestError('A PagerDuty v3 delivery is a JSON object with an "event"', { code: 'malformed_delivery', field: 'event' });
    const id = str(ev.id);
    if (!id) throw new BadRequestError('The PagerDuty event has no "id"', { code: 'malformed_delivery', field: 'event.id' });
    const data = ev.data ?? {};
    return [
      {
        eventId: id,
        type: str(ev.event_type) ?? 'unknown',
        severity: severityOf(ev),
        title: str(data.title) ?? str(data.summary) ?? str(ev.event_type) ?? 'PagerDuty event',
        status: statusOf(ev),
        occurredAt: parseTime(ev.occurred_at) ?? Number.NaN,
        ...(str(data.html_url) ? { url: str(data.html_url) } : {}),
        raw: ev,
      },
    ];
  },

  setup(t: WebhookTarget) {
    return {
      headers: {},
      settings: { webhook_url: t.url, events: pagerduty.events, scope_type: 'Account' },
      steps: [
        `POST /api/connectors/pagerduty/webhook to have Aurora create the subscription with your credential: PagerDuty chooses the signing secret of a v3 webhook itself and shows it only when the subscription is created, so Aurora keeps the one PagerDuty returns.`,
        `Done by hand (Integrations → Generic Webhooks (v3) → New Webhook, URL ${t.url}, events ${pagerduty.events.slice(0, 3).join(', ')}), PagerDuty's secret is not known here and its deliveries are refused.`,
      ],
    };
  },

  async create(d, conn, t) {
    const api = pagerdutyApi(d.config.pagerduty, await credentialOf(d, conn));
    if (t.remote) {
      const existing = await api.getSubscription(t.remote.id);
      // still there and still pointing here: it signs with the secret we already keep
      if (existing && existing.delivery_method?.url === t.url) return { remoteId: existing.id, remoteName: t.remote.name, steps: ['PagerDuty already has this webhook subscription.'] };
      if (existing) await api.deleteSubscription(existing.id);
    }
    const description = `Aurora (${t.webhookId.slice(0, 8)})`;
    const sub = await api.createSubscription(t.url, description);
    const s = sub.delivery_method?.secret;
    if (typeof s !== 'string' || s === '') throw new ProviderUnavailableError('PagerDuty created the webhook subscription without its signing secret', { status: 502 });
    return { remoteId: sub.id, remoteName: description, secret: secretValue(s), steps: [`PagerDuty now sends ${pagerduty.events.join(', ')} of the whole account to ${t.url}.`] };
  },

  async remove(d, conn, reg) {
    if (!reg.remote) return;
    await pagerdutyApi(d.config.pagerduty, await credentialOf(d, conn)).deleteSubscription(reg.remote.id);
  },
};
