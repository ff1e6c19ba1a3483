/**
 * Datadog as data: its sites (each one its own API host and its own keys), the key formats, the
 * API paths we call, the webhook we ask Datadog to send, and the messages users see.
 */
export const DATADOG_SITES = [
  { code: 'US1', site: 'datadoghq.com' },
  { code: 'US3', site: 'us3.datadoghq.com' },
  { code: 'US5', site: 'us5.datadoghq.com' },
  { code: 'EU', site: 'datadoghq.eu' },
  { code: 'AP1', site: 'ap1.datadoghq.com' },
  { code: 'AP2', site: 'ap2.datadoghq.com' },
  { code: 'UK1', site: 'uk1.datadoghq.com' },
  { code: 'US1-FED', site: 'ddog-gov.com' },
  { code: 'US2-FED', site: 'us2.ddog-gov.com' },
] as const;

export type DatadogSite = (typeof DATADOG_SITES)[number]['site'];

/**
 * A site as users name it: its code (US1, eu), its domain (datadoghq.eu), or the address of its app
 * or API (https://app.datadoghq.eu, api.us5.datadoghq.com). Null when it is none of Datadog's.
 */
export function siteOf(input: string | undefined): DatadogSite | null {
  if (input === undefined || input.trim() === '') return 'datadoghq.com';
  const v = input.trim().toLowerCase().replace(/^https?:\/\//, '').replace(/\/+$/, '').replace(/^(app|api)\./, '');
  const found = DATADOG_SITES.find((s) => s.code.toLowerCase() === v || s.site === v || (s.code === 'EU' && v === 'eu1'));
  return found?.site ?? null;
}

export const datadog = {
  /** API keys are 32 hexadecimal characters, application keys 40 */
  apiKeyPattern: /^[0-9a-f]{32}$/,
  appKeyPattern: /^[0-9a-f]{40}$/,
  paths: {
    validate: '/api/v1/validate',
    currentUser: '/api/v2/current_user',
    webhooks: '/api/v1/integration/webhooks/configuration/webhooks',
    webhook: (name: string) => `/api/v1/integration/webhooks/configuration/webhooks/${encodeURIComponent(name)}`,
  },
  /** the header our webhook sends, holding the connection's signing secret (a Datadog custom header) */
  secretHeader: 'X-Aurora-Webhook-Secret',
  /**
   * The payload Datadog renders for each notification (its template variables); $ID is the event's
   * id, the duplicate key, and $LAST_UPDATED / $DATE when it was sent (milliseconds).
   */
  payload: {
    id: '$ID',
    event_type: '$EVENT_TYPE',
    title: '$EVENT_TITLE',
    body: '$EVENT_MSG',
    date: '$DATE',
    last_updated: '$LAST_UPDATED',
    alert_id: '$ALERT_ID',
    alert_type: '$ALERT_TYPE',
    alert_transition: '$ALERT_TRANSITION',
    alert_status: '$ALERT_STATUS',
    priority: '$ALERT_PRIORITY',
    hostname: '$HOSTNAME',
    tags: '$TAGS',
    link: '$LINK',
    org: { id: '$ORG_ID', name: '$ORG_NAME' },
  },
  messages: {
    connected: 'Datadog connected successfully',
    disconnected: 'Datadog disconnected successfully',
    badSite: `site must be one of ${DATADOG_SITES.map((s) => `${s.code} (${s.site})`).join(', ')}`,
    apiKeyRejected: (site: string) => `Datadog rejected the API key on ${site}: check the key, and that it belongs to an organisation on this site`,
    appKeyRejected: (site: string) => `Datadog rejected the application key on ${site}: check the key, and that it belongs to the same organisation as the API key`,
    webhookForbidden: 'The Datadog application key may not manage webhooks (it needs the create_webhooks and manage_integrations permissions); configure the webhook by hand as GET /datadog/webhook-url shows',
  },
} as const;
