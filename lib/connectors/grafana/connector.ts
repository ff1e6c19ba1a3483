import { defineConnector } from '../kit/define.ts';
import { grafana } from './definition.ts';
import { grafanaSection } from './settings.ts';

export const connector = defineConnector({
  id: 'grafana',
  name: 'Grafana',
  kind: 'tool',
  authKind: 'api_token',
  settings: grafanaSection,
  clis: [],
  storesSecret: true,
  account: { label: 'Grafana organisation' },
  fields: [
    { name: 'api_token', label: 'Service-account token', secret: true, required: true, trim: true, pattern: grafana.tokenPattern.source, message: 'must be a Grafana service-account token (glsa_…: Administration → Service accounts → Add service account token)', example: 'glsa_AbCdEfGhIjKlMnOpQrStUvWxYz012345_0a1b2c3d', description: 'A token of a service account with the Viewer role (Editor to let Aurora create its contact point).' },
    { name: 'base_url', label: 'Grafana URL', secret: false, required: true, trim: true, maxLength: 512, example: 'https://yourstack.grafana.net', description: 'The address of the Grafana Cloud stack (https://<stack>.grafana.net) or of the self-hosted Grafana.' },
  ],
  connect: {
    method: 'POST',
    path: '/grafana/connect',
    id: 'grafana.connect',
    summary: "Connect a Grafana organisation (Cloud stack or self-hosted) with a service-account token, validated with the instance's GET /api/org",
    response: { success: { type: 'boolean', const: true }, message: 'string', base_url: 'string', deployment: 'string', organization: 'string', organization_id: 'integer' },
  },
  status: {
    fields: [
      { name: 'base_url', from: 'metadata.base_url', type: 'string', nullable: true },
      { name: 'deployment', from: 'metadata.deployment', type: 'string', nullable: true },
      { name: 'organization', from: 'account_name', type: 'string', nullable: true },
    ],
    onFault: 'error',
    notConnected: 'Grafana is not connected',
  },
  legacy: {
    status: ['/grafana/status'],
    disconnect: { method: 'POST', path: '/grafana/disconnect', id: 'grafana.disconnect', response: { success: true, message: grafana.messages.disconnected } },
  },
  webhook: { path: '/grafana/alerts/webhook/{id}', setupPath: '/grafana/webhook-url', create: true },
  // datasource queries: a POST that only reads
  proxy: { readOnlyPosts: ['/api/ds/query'] },
});
