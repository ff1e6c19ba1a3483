import '../../lazy-core.ts'; // one chunk for what the lazy code shares with its function (lib/lazy-core.ts)
import { createHash } from 'node:crypto';
import type { AlertStatus, NormalisedEvent, Severity } from '../../alerts/types.ts';
import { BadRequestError } from '../../errors.ts';
import { headerHoldsSecret, hmacSha256, jsonBody, parseTime } from '../../webhooks/signatures.ts';
import type { WebhookHooks, WebhookTarget } from '../../webhooks/types.ts';
import { netdata } from './definition.ts';

/**
 * Netdata Cloud's webhook integration signs nothing; it authenticates with a bearer token we choose
 * (the connection's secret, compared in constant time), and proves the URL first with a GET carrying
 * `crc_token`, answered with base64 HMAC-SHA256 of it under the "challenge secret" (the same secret).
 * Alert notifications are dated (`date`, checked against the replay window); reachability
 * notifications carry no time, so they are `undated` and only the duplicate check holds for them.
 * Neither has an event id: it is a digest of what identifies the transition.
 */
type Payload = Record<string, unknown>;
const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : undefined);
const digest = (...parts: Array<string | undefined>) => createHash('sha256').update(JSON.stringify(parts)).digest('hex').slice(0, 32);

function payloadOf(rawBody: string): Payload {
  const p = jsonBody({ headers: {}, rawBody, query: {} });
  if (!p || typeof p !== 'object' || Array.isArray(p)) throw new BadRequestError('A Netdata notification is a JSON object', { code: 'malformed_delivery' });
  return p as Payload;
}

const isReachability = (p: Payload) => !!p.status && typeof p.status === 'object' && typeof (p.status as Payload).reachable === 'boolean';

function severityOf(s: string | undefined): Severity {
  switch (s?.toLowerCase()) {
    case 'critical':
      return 'critical';
    case 'warning':
      return 'warning';
    case 'clear':
    case 'info':
      return 'info';
    default:
      return 'unknown';
  }
}

export const webhook: WebhookHooks = {
  verify(delivery, secret) {
    if (!headerHoldsSecret(delivery, netdata.authHeader, secret, netdata.authScheme)) return { ok: false, reason: `missing or wrong ${netdata.authHeader}` };
    const p = jsonBody(delivery) as Payload | null;
    if (!p || typeof p !== 'object') return { ok: false, reason: 'not a JSON object' };
    if (isReachability(p) && p.date === undefined) return { ok: true, sentAt: 'undated' };
    const at = parseTime(p.date);
    return at === null ? { ok: false, reason: 'no date in the notification' } : { ok: true, sentAt: at };
  },

  normalise(delivery): NormalisedEvent[] {
    const p = payloadOf(delivery.rawBody);
    if (isReachability(p)) {
      const reachable = (p.status as Payload).reachable === true;
      const host = str(p.host) ?? 'unknown node';
      return [{ eventId: `reachability:${digest(host, String(reachable), str(p.message))}`, type: 'reachability', severity: severityOf(str(p.severity)), title: str(p.message) ?? `${host} is ${reachable ? 'reachable' : 'unreachable'}`, status: reachable ? 'resolved' : 'triggered', occurredAt: Number.NaN, ...(str(p.url) ? { url: str(p.url) } : {}), raw: p }];
    }
    const alert = str(p.alert);
    if (!alert) throw new BadRequestError('The Netdata notification names no "alert"', { code: 'malformed_delivery', field: 'alert' });
    const severity = str(p.severity);
    const status: AlertStatus = severity === 'clear' ? 'resolved' : severity === 'critical' || severity === 'warning' ? 'triggered' : 'info';
    return [
      {
        eventId: `alert:${digest(str(p.space), str(p.room), str(p.node) ?? str(p.host), str(p.chart), alert, severity, str(p.date))}`,
        type: str(p.class) ?? 'alert',
        severity: severityOf(severity),
        title: str(p.message) ?? str(p.info) ?? alert,
        status,
        occurredAt: parseTime(p.date) ?? Number.NaN,
        ...(str(p.alert_url) ? { url: str(p.alert_url) } : {}),
        raw: p,
      },
    ];
  },

  challenge(delivery, secret) {
    const token = delivery.query.crc_token;
    if (typeof token !== 'string' || token === '' || token.length > 512) return null;
    return { status: 200, body: { response_token: `sha256=${hmacSha256(secret, token, 'base64')}` } };
  },

  setup(t: WebhookTarget) {
    return {
      headers: { [netdata.authHeader]: `${netdata.authScheme} ${t.secret.reveal()}` },
      settings: { method: 'Webhook', authentication: 'Bearer', bearer_token: t.secret.reveal(), challenge_secret: t.secret.reveal() },
      steps: [
        'In Netdata Cloud: Space settings → Alerts & Notifications → Notification Methods → + Add configuration → Webhook.',
        `Webhook URL: ${t.url}.`,
        'Challenge secret: the secret above (Netdata proves the URL with a GET before saving).',
        'Authentication: Bearer; token: the secret above. Pick the notification types and rooms, then Save.',
      ],
    };
  },
};
