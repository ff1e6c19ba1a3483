import { defineConnector } from '../kit/define.ts';
import { DATADOG_SITES, datadog } from './definition.ts';
import { datadogSection } from './settings.ts';

export const connector = defineConnector({
  id: 'datadog',
  name: 'Datadog',
  kind: 'tool',
  authKind: 'api_key',
  settings: datadogSection,
  clis: [],
  storesSecret: true,
  account: { label: 'Datadog organisation' },
  fields: [
    { name: 'api_key', label: 'API key', secret: true, required: true, trim: true, pattern: datadog.apiKeyPattern.source, message: 'must be 32 hexadecimal characters (Organization Settings → API Keys)', example: '0123456789abcdef0123456789abcdef', description: 'An API key of the organisation (Organization Settings → API Keys).' },
    { name: 'app_key', label: 'Application key', secret: true, required: true, trim: true, pattern: datadog.appKeyPattern.source, message: 'must be 40 hexadecimal characters (Organization Settings → Application Keys)', example: '0123456789abcdef0123456789abcdef01234567', description: 'An application key of the same organisation (Organization Settings → Application Keys).' },
    {
      name: 'site',
      label: 'Site',
      secret: false,
      required: false,
      trim: true,
      maxLength: 64,
      example: 'datadoghq.com',
      description: `The Datadog site of the organisation: ${DATADOG_SITES.map((s) => `${s.code} ${s.site}`).join(', ')}. US1 when left empty.`,
    },
  ],
  connect: {
    method: 'POST',
    path: '/datadog/connect',
    id: 'datadog.connect',
    summary: "Connect a Datadog organisation with an API key and an application key (validated on the site's validate endpoint and with an application-key call)",
    response: { success: { type: 'boolean', const: true }, message: 'string', site: 'string', organization: 'string', organization_id: 'string' },
  },
  status: {
    fields: [
      { name: 'site', from: 'metadata.site', type: 'string', nullable: true },
      { name: 'organization', from: 'account_name', type: 'string', nullable: true },
    ],
    onFault: 'error',
    notConnected: 'Datadog is not connected',
  },
  legacy: {
    status: ['/datadog/status'],
    disconnect: { method: 'POST', path: '/datadog/disconnect', id: 'datadog.disconnect', response: { success: true, message: datadog.messages.disconnected } },
  },
  webhook: { path: '/datadog/webhook/{id}', setupPath: '/datadog/webhook-url', create: true },
  // logs search and aggregation, metric queries: POSTs that only read
  proxy: { readOnlyPosts: ['/api/v2/logs/events/search', '/api/v2/logs/analytics/aggregate', '/api/v2/query/timeseries', '/api/v2/query/scalar'] },
});
