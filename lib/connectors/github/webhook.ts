import '../../lazy-core.ts'; // one chunk for what the lazy code shares with its function (lib/lazy-core.ts)
import type { AlertStatus, NormalisedEvent, Severity } from '../../alerts/types.ts';
import { BadRequestError } from '../../errors.ts';
import { hmacMatches, jsonBody, parseTime } from '../../webhooks/signatures.ts';
import type { WebhookHooks, WebhookTarget } from '../../webhooks/types.ts';
import { github } from './definition.ts';

/**
 * GitHub signs each delivery's body with the webhook's secret: X-Hub-Signature-256 is
 * `sha256=<hex HMAC-SHA256 of the raw body>`, compared in constant time. GitHub sends no
 * timestamp, signed or not, and the times inside a payload are the resource's (a push carries its
 * commits' dates, which may be days old), so a delivery is `undated`: what stops a replay is the
 * duplicate key, X-GitHub-Delivery, which GitHub keeps when it redelivers (lib/alerts/store.ts
 * stores one alert per key for the retention period). The `ping` GitHub sends when the webhook is
 * created is verified like any delivery and stores nothing.
 */
type Payload = Record<string, any>;

const DELIVERY_ID = /^[A-Za-z0-9-]{1,64}$/;
const EVENT = /^[a-z_]{1,64}$/;
const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

function payloadOf(rawBody: string): Payload {
  const p = jsonBody({ headers: {}, rawBody, query: {} });
  if (!p || typeof p !== 'object' || Array.isArray(p)) throw new BadRequestError('A GitHub delivery is a JSON object (content type application/json, as GET /api/connectors/github/webhook says)', { code: 'malformed_delivery' });
  return p as Payload;
}

const advisorySeverity = (s: unknown): Severity => {
  switch (String(s ?? '').toLowerCase()) {
    case 'critical':
      return 'critical';
    case 'high':
      return 'error';
    case 'medium':
    case 'moderate':
      return 'warning';
    case 'low':
    case 'note':
      return 'info';
    default:
      return 'unknown';
  }
};

const FAILED = new Set(['failure', 'timed_out', 'startup_failure', 'action_required', 'error']);

/** What the alert says, per event GitHub sends; an event we do not know is kept as `info`. */
function describe(event: string, p: Payload): { severity: Severity; status: AlertStatus; title: string; url?: string; at?: unknown } {
  const repo = str(p.repository?.full_name) ?? str(p.organization?.login) ?? 'GitHub';
  const action = str(p.action);
  const resolvedByAction = action && /^(resolved|fixed|closed_by_user|dismissed|auto_dismissed|closed)$/.test(action);
  switch (event) {
    case 'workflow_run':
    case 'check_run':
    case 'check_suite': {
      const run = p[event] ?? {};
      const conclusion = str(run.conclusion);
      const failed = conclusion !== undefined && FAILED.has(conclusion);
      return {
        severity: failed ? 'error' : 'info',
        status: action === 'completed' ? (failed ? 'triggered' : 'resolved') : 'info',
        title: `${repo}: ${str(run.name) ?? str(run.app?.name) ?? event} ${conclusion ?? action ?? ''}`.trim(),
        url: str(run.html_url),
        at: run.updated_at ?? run.completed_at,
      };
    }
    case 'deployment_status': {
      const state = str(p.deployment_status?.state) ?? '';
      return {
        severity: state === 'failure' || state === 'error' ? 'error' : 'info',
        status: state === 'failure' || state === 'error' ? 'triggered' : state === 'success' ? 'resolved' : 'info',
        title: `${repo}: deployment to ${str(p.deployment?.environment) ?? 'an environment'} ${state}`.trim(),
        url: str(p.deployment_status?.target_url) ?? str(p.deployment_status?.log_url),
        at: p.deployment_status?.updated_at,
      };
    }
    case 'dependabot_alert':
    case 'code_scanning_alert':
    case 'secret_scanning_alert': {
      const a = p.alert ?? {};
      const severity =
        event === 'secret_scanning_alert' ? 'critical' : advisorySeverity(a.security_advisory?.severity ?? a.security_vulnerability?.severity ?? a.rule?.security_severity_level ?? a.rule?.severity);
      const what = str(a.security_advisory?.summary) ?? str(a.rule?.description) ?? str(a.secret_type_display_name) ?? event.replace(/_/g, ' ');
      return { severity, status: resolvedByAction ? 'resolved' : action === 'created' || action === 'reopened' || action === 'reintroduced' ? 'triggered' : 'info', title: `${repo}: ${what}`, url: str(a.html_url), at: a.updated_at ?? a.created_at };
    }
    case 'issues':
    case 'pull_request': {
      const it = p.issue ?? p.pull_request ?? {};
      return { severity: 'info', status: action === 'opened' || action === 'reopened' ? 'triggered' : action === 'closed' ? 'resolved' : 'info', title: `${repo}#${it.number ?? '?'} ${str(it.title) ?? ''} (${action ?? event})`.trim(), url: str(it.html_url), at: it.updated_at };
    }
    default:
      return { severity: 'info', status: 'info', title: `${repo}: ${event}${action ? ` ${action}` : ''}`, url: str(p.repository?.html_url) };
  }
}

export const webhook: WebhookHooks = {
  verify(delivery, secret) {
    if (!hmacMatches(delivery.headers[github.headers.signature], secret, delivery.rawBody, { prefix: 'sha256=' })) return { ok: false, reason: `missing or wrong ${github.headers.signature}` };
    return { ok: true, sentAt: 'undated' };
  },

  normalise(delivery): NormalisedEvent[] {
    const event = delivery.headers[github.headers.event] ?? '';
    const id = delivery.headers[github.headers.delivery] ?? '';
    if (!EVENT.test(event)) throw new BadRequestError('The delivery has no X-GitHub-Event header', { code: 'malformed_delivery', field: 'X-GitHub-Event' });
    if (!DELIVERY_ID.test(id)) throw new BadRequestError('The delivery has no X-GitHub-Delivery header', { code: 'malformed_delivery', field: 'X-GitHub-Delivery' });
    const p = payloadOf(delivery.rawBody);
    // GitHub's handshake when a webhook is created or tested: the signature proved the secret, nothing to store
    if (event === 'ping') return [];
    const what = describe(event, p);
    const action = str(p.action);
    return [
      {
        eventId: id,
        type: action ? `${event}.${action}` : event,
        severity: what.severity,
        title: what.title,
        status: what.status,
        occurredAt: parseTime(what.at) ?? Number.NaN,
        ...(what.url ? { url: what.url } : {}),
        raw: p,
      },
    ];
  },

  setup(t: WebhookTarget) {
    return {
      headers: {},
      settings: { payload_url: t.url, content_type: 'application/json', secret: t.secret.reveal(), ssl_verification: 'enabled', events: ['workflow_run', 'check_run', 'deployment_status', 'dependabot_alert', 'code_scanning_alert', 'secret_scanning_alert'] },
      steps: [
        'In GitHub: the repository (or organisation) → Settings → Webhooks → Add webhook.',
        `Payload URL: ${t.url}; Content type: application/json.`,
        'Secret: paste the secret shown here (GitHub signs each delivery with it, X-Hub-Signature-256).',
        'Which events: "Let me select individual events", then the ones in settings.events (or any others). Add webhook.',
        'GitHub sends a ping at once; Recent Deliveries shows it answered 200.',
      ],
    };
  },
};
