/**
 * PagerDuty as data: the REST API v2 paths we call, how each kind of credential is sent, the
 * webhook subscription we ask for (the events of the seed's setup guide), and the messages users see.
 */
export const pagerduty = {
  /** REST API v2: every request says which version it speaks */
  accept: 'application/vnd.pagerduty+json;version=2',
  /** an API access key is sent as "Token token=…", an OAuth access token as "Bearer …" */
  authorization: (kind: 'api_token' | 'oauth', token: string) => (kind === 'api_token' ? `Token token=${token}` : `Bearer ${token}`),
  paths: {
    /** any user of the account: its html_url names the account's subdomain (account-level keys have no /users/me) */
    users: '/users?limit=1',
    me: '/users/me',
    webhookSubscriptions: '/webhook_subscriptions',
    webhookSubscription: (id: string) => `/webhook_subscriptions/${encodeURIComponent(id)}`,
  },
  callbackPath: '/pagerduty/oauth/callback',
  /** v3 webhooks sign the raw body: `X-PagerDuty-Signature: v1=<hex>[,v1=<hex>…]` (several while a secret rotates) */
  signatureHeader: 'x-pagerduty-signature',
  events: ['incident.triggered', 'incident.acknowledged', 'incident.resolved', 'incident.escalated', 'incident.reassigned', 'incident.reopened', 'incident.priority_updated'],
  /** API access keys are 20 characters of letters, digits, "+", "_" and "-" */
  tokenPattern: /^[A-Za-z0-9_+-]{20,64}$/,
  messages: {
    connected: 'PagerDuty connected successfully',
    rotated: 'PagerDuty API token updated',
    disconnected: 'PagerDuty disconnected successfully',
    notConnected: 'PagerDuty is not connected',
    tokenRejected: 'PagerDuty rejected the API token: check it in Integrations → API Access Keys (it may have been deleted or disabled)',
    oauthRejected: 'PagerDuty refused the stored OAuth authorization; connect PagerDuty again',
    otherAccount: (was: string, now: string) => `The new API token belongs to the PagerDuty account ${now}, not ${was}; connect it as a new account instead`,
    rotateOAuth: 'This PagerDuty account is connected with OAuth; disconnect it first to connect it with an API token',
    oauthOff: 'PagerDuty OAuth is not enabled here (NEXT_PUBLIC_ENABLE_PAGERDUTY_OAUTH); connect with an API token',
    webhookForbidden: 'The PagerDuty credential may not create webhook subscriptions (it needs a read-write API key or the write scope); configure the webhook by hand as GET /pagerduty/webhook-url shows',
  },
} as const;

/** The account's subdomain from a PagerDuty web address (https://acme.pagerduty.com/users/P123 → acme). */
export function subdomainOf(htmlUrl: unknown): string | null {
  if (typeof htmlUrl !== 'string' || !URL.canParse(htmlUrl)) return null;
  const host = new URL(htmlUrl).hostname;
  const m = /^([a-z0-9][a-z0-9-]*)\./i.exec(host);
  return m ? m[1].toLowerCase() : null;
}
