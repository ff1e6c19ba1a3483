import { defineConnector } from '../kit/define.ts';
import { pagerduty } from './definition.ts';
import { pagerdutySection } from './settings.ts';

export const tokenField = {
  name: 'api_token',
  label: 'API token',
  secret: true,
  required: true,
  trim: true,
  pattern: pagerduty.tokenPattern.source,
  message: 'must be a PagerDuty API access key (Integrations → API Access Keys)',
  example: 'u+AbCdEfGhIjKlMnOpQr',
  description: 'A REST API access key of the account (Integrations → API Access Keys → Create New API Key); read-write to let Aurora create the webhook subscription.',
} as const;

export const connector = defineConnector({
  id: 'pagerduty',
  name: 'PagerDuty',
  kind: 'tool',
  authKind: 'api_token',
  settings: pagerdutySection,
  clis: [],
  storesSecret: true,
  account: { label: 'PagerDuty account (subdomain)' },
  fields: [tokenField],
  connect: {
    method: 'POST',
    path: '/pagerduty',
    id: 'pagerduty.connect',
    summary: 'Connect a PagerDuty account with an API access key (validated against the REST API; the account is its subdomain)',
    response: { success: { type: 'boolean', const: true }, message: 'string', subdomain: 'string', auth_method: 'string' },
  },
  // OAuth is the other way in, behind NEXT_PUBLIC_ENABLE_PAGERDUTY_OAUTH (routes.ts)
  oauth: { method: 'POST', path: '/pagerduty/oauth/login', urlField: 'oauth_url' },
  status: {
    fields: [
      { name: 'subdomain', from: 'account_id', type: 'string', nullable: true },
      { name: 'auth_method', from: 'metadata.auth_method', type: 'string', nullable: true },
    ],
    onFault: 'error',
    notConnected: pagerduty.messages.notConnected,
  },
  legacy: {
    status: ['/pagerduty'],
    disconnect: { method: 'DELETE', path: '/pagerduty', id: 'pagerduty.disconnect', response: { success: true, message: pagerduty.messages.disconnected } },
  },
  webhook: { path: '/pagerduty/webhook/{id}', setupPath: '/pagerduty/webhook-url', create: true },
});
