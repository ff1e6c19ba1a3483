import { defineConnector } from '../kit/define.ts';
import { netdata } from './definition.ts';
import { netdataSection } from './settings.ts';

export const connector = defineConnector({
  id: 'netdata',
  name: 'Netdata',
  kind: 'tool',
  authKind: 'api_token',
  settings: netdataSection,
  clis: [],
  storesSecret: true,
  account: { label: 'Netdata space' },
  fields: [
    { name: 'api_token', label: 'API token', secret: true, required: true, trim: true, pattern: netdata.tokenPattern.source, message: 'must be a Netdata Cloud API token (User Settings → API Tokens)', example: 'ndc.AbCdEfGhIjKlMnOpQrStUvWx0123456789', description: 'A Netdata Cloud API token with scope:all (User Settings → API Tokens).' },
    { name: 'space_name', label: 'Space', secret: false, required: false, trim: true, maxLength: 200, example: 'My Space', description: "The space to connect, by name or slug; needed only when the token's user belongs to several." },
  ],
  connect: {
    method: 'POST',
    path: '/netdata/connect',
    id: 'netdata.connect',
    summary: "Connect a Netdata Cloud space with an API token, validated against Netdata Cloud's space list",
    response: { success: { type: 'boolean', const: true }, message: 'string', space_id: 'string', space_name: 'string' },
  },
  status: {
    fields: [
      { name: 'space_id', from: 'account_id', type: 'string', nullable: true },
      { name: 'space_name', from: 'account_name', type: 'string', nullable: true },
    ],
    onFault: 'error',
    notConnected: 'Netdata is not connected',
  },
  legacy: {
    status: ['/netdata/status'],
    disconnect: { method: 'POST', path: '/netdata/disconnect', id: 'netdata.disconnect', response: { success: true, message: netdata.messages.disconnected } },
  },
  webhook: { path: '/netdata/alerts/webhook/{id}', setupPath: '/netdata/webhook-url', challenge: true },
  // every Netdata Cloud read is a GET
  proxy: { readOnlyPosts: [] },
});
