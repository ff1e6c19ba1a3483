import '../../lazy-core.ts'; // one chunk for what the lazy code shares with its function (lib/lazy-core.ts)
import { createHash } from 'node:crypto';
import type { AlertStatus, NormalisedEvent, Severity } from '../../alerts/types.ts';
import { BadRequestError } from '../../errors.ts';
import { hmacMatches, jsonBody } from '../../webhooks/signatures.ts';
import type { WebhookHooks, WebhookTarget } from '../../webhooks/types.ts';
import { grafana } from './definition.ts';
import { apiOf } from './service.ts';

/**
 * Grafana's webhook contact point signs each notification (its `hmacConfig`): hex HMAC-SHA256 of
 * "<timestamp>:<body>" in X-Grafana-Alerting-Signature, the Unix-seconds timestamp in
 * X-Grafana-Alerting-Timestamp, so the time the replay window checks is signed too. A notification
 * is a group of alerts; each alert is one event, identified by its fingerprint, state and start
 * (Grafana's repeat notifications of the same firing are duplicates, its resolution is not).
 */
type Alert = Record<string, unknown> & { labels?: Record<string, unknown>; annotations?: Record<string, unknown> };

/** The contact point's name and uid in Grafana: stable per connection, never the webhook id itself. */
export const contactPointUid = (webhookId: string) => `aurora-${createHash('sha256').update(webhookId).digest('hex').slice(0, 12)}`;

const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);

function severityOf(a: Alert): Severity {
  const s = (str(a.labels?.severity) ?? str(a.labels?.priority) ?? '').toLowerCase();
  if (/^(critical|crit|p1|page|emergency)$/.test(s)) return 'critical';
  if (/^(error|high|major|p2)$/.test(s)) return 'error';
  if (/^(warning|warn|medium|minor|p3)$/.test(s)) return 'warning';
  if (/^(info|low|p4|p5|none)$/.test(s)) return 'info';
  return 'unknown';
}

const statusOf = (a: Alert): AlertStatus => (str(a.status) === 'resolved' ? 'resolved' : str(a.status) === 'firing' ? 'triggered' : 'info');

const sentAtOf = (headers: Readonly<Record<string, string | undefined>>) => {
  const ts = headers[grafana.timestampHeader.toLowerCase()]?.trim();
  return ts && /^\d{9,11}$/.test(ts) ? Number(ts) * 1000 : null;
};

function setupSettings(secret: string) {
  return { hmacConfig: { secret, header: grafana.signatureHeader, timestampHeader: grafana.timestampHeader } };
}

export const webhook: WebhookHooks = {
  verify(delivery, secret) {
    const ts = delivery.headers[grafana.timestampHeader.toLowerCase()]?.trim();
    const at = sentAtOf(delivery.headers);
    if (!ts || at === null) return { ok: false, reason: `missing or unreadable ${grafana.timestampHeader}` };
    if (!hmacMatches(delivery.headers[grafana.signatureHeader.toLowerCase()], secret, `${ts}:${delivery.rawBody}`)) return { ok: false, reason: `missing or wrong ${grafana.signatureHeader}` };
    return { ok: true, sentAt: at };
  },

  normalise(delivery): NormalisedEvent[] {
    const p = jsonBody(delivery) as { alerts?: unknown; externalURL?: unknown } | null;
    if (!p || typeof p !== 'object' || !Array.isArray(p.alerts)) throw new BadRequestError('A Grafana notification is a JSON object with an "alerts" list', { code: 'malformed_delivery', field: 'alerts' });
    const sent = sentAtOf(delivery.headers) ?? Number.NaN;
    return (p.alerts as unknown[]).map((raw, i) => {
      if (!raw || typeof raw !== 'object' || Array.isArray(raw)) throw new BadRequestError(`alerts[${i}] is not an object`, { code: 'malformed_delivery', field: `alerts.${i}` });
      const a = raw as Alert;
      const fingerprint = str(a.fingerprint);
      if (!fingerprint) throw new BadRequestError(`alerts[${i}] has no fingerprint`, { code: 'malformed_delivery', field: `alerts.${i}.fingerprint` });
      const startsAt = str(a.startsAt) ?? '';
      const started = Date.parse(startsAt);
      const ended = Date.parse(str(a.endsAt) ?? '');
      const status = statusOf(a);
      return {
        eventId: `${fingerprint}:${str(a.status) ?? 'unknown'}:${startsAt}`,
        type: 'alert',
        severity: severityOf(a),
        title: str(a.annotations?.summary) ?? str(a.labels?.alertname) ?? 'Grafana alert',
        status,
        occurredAt: status === 'resolved' && Number.isFinite(ended) && ended > 0 ? ended : Number.isFinite(started) ? started : sent,
        ...(str(a.generatorURL) ? { url: str(a.generatorURL) } : {}),
        raw: a,
      };
    });
  },

  setup(t: WebhookTarget) {
    const name = t.remote?.name ?? contactPointUid(t.webhookId);
    return {
      headers: {},
      settings: { name, type: 'webhook', httpMethod: 'POST', ...setupSettings(t.secret.reveal()) },
      steps: [
        'In Grafana: Alerting → Contact points → + Add contact point.',
        `Name: ${name}; Integration: Webhook; URL: ${t.url}; HTTP method: POST.`,
        `Optional settings → HMAC signature: Secret: the secret above; Header: ${grafana.signatureHeader}; Timestamp header: ${grafana.timestampHeader}. Save.`,
        `In Notification policies, route the alerts that should reach Aurora to ${name}.`,
      ],
    };
  },

  async create(d, conn, t) {
    const uid = t.remote?.id ?? contactPointUid(t.webhookId);
    const api = await apiOf(d, conn);
    await api.putContactPoint({ uid, name: t.remote?.name ?? uid, type: 'webhook', settings: { url: t.url, httpMethod: 'POST', ...setupSettings(t.secret.reveal()) }, disableResolveMessage: false });
    return { remoteId: uid, remoteName: t.remote?.name ?? uid, steps: [`Grafana now has the contact point ${uid}.`, `In Notification policies, route the alerts that should reach Aurora to ${uid}.`] };
  },

  async remove(d, conn, reg) {
    if (!reg.remote) return;
    await (await apiOf(d, conn)).deleteContactPoint(reg.remote.id);
  },
};
