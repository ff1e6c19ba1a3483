import { defineConnector } from '../kit/define.ts';
import { confluence } from './definition.ts';
import { confluenceSection } from './settings.ts';

export const connector = defineConnector({
  id: 'confluence',
  name: 'Confluence',
  kind: 'tool',
  authKind: 'oauth2',
  settings: confluenceSection,
  clis: [],
  storesSecret: true,
  account: { label: 'Confluence site (Cloud id) or Data Center base URL' },
  // Data Center connects with {auth_type:"pat", base_url, pat_token} on the same route (routes.ts)
  fields: [],
  oauth: { method: 'POST', path: '/confluence/connect', urlField: 'auth_url' },
  status: {
    fields: [
      { name: 'auth_type', from: 'metadata.auth_type', type: 'string', nullable: true },
      { name: 'site_url', from: ['metadata.site_url', 'metadata.base_url'], type: 'string', nullable: true },
    ],
    onFault: 'error',
    notConnected: confluence.messages.notConnected,
  },
  legacy: {
    status: ['/confluence/status'],
    disconnect: { method: 'POST', path: '/confluence/disconnect', id: 'confluence.disconnect', response: { success: true, message: confluence.messages.disconnected } },
  },
});
