import { defineConnector } from '../kit/define.ts';
import { OVH_ENDPOINTS, ovhSection } from './settings.ts';

export const connector = defineConnector({
  id: 'ovh',
  name: 'OVHcloud',
  kind: 'cloud',
  authKind: 'oauth2',
  featureFlag: 'FEATURE_FLAG_OVH_ENABLED',
  settings: ovhSection,
  clis: ['ovhcloud'],
  storesSecret: true,
  account: { label: 'OVH account (nichandle)' },
  // not a credential: the region whose OAuth client signs the user in, sent with the initiate call
  fields: [
    { name: 'endpoint', label: 'Region', secret: false, required: true, pattern: `^(${OVH_ENDPOINTS.join('|')})$`, message: `must be one of ${OVH_ENDPOINTS.join(', ')}`, example: 'ovh-eu', description: 'The OVHcloud region of the account: ovh-eu, ovh-ca or ovh-us.' },
  ],
  oauth: { method: 'POST', path: '/ovh_api/ovh/oauth2/initiate', urlField: 'authorizationUrl' },
  status: { fields: [{ name: 'endpoint', from: 'metadata.endpoint', type: 'string', nullable: true }], onFault: 'error', notConnected: 'OVHcloud is not connected' },
  legacy: {
    status: ['/ovh_api/ovh/status'],
    disconnect: { method: 'POST', path: '/ovh_api/ovh/disconnect', id: 'ovh.disconnect', response: { status: 'disconnected' } },
  },
});
