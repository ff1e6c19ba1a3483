import { defineConnector } from '../kit/define.ts';
import { gcpSection } from './settings.ts';

export const connector = defineConnector({
  id: 'gcp',
  name: 'Google Cloud Platform',
  kind: 'cloud',
  authKind: 'oauth2',
  settings: gcpSection,
  clis: ['gcloud', 'gsutil', 'bq', 'kubectl'],
  storesSecret: true,
  account: { label: 'Google account email' },
  fields: [],
  oauth: { method: 'POST', path: '/gcp/login', urlField: 'login_url' },
  status: {
    // from the live check: the root project (saved choice, else the setup's) and its billing
    fields: [
      { name: 'project_id', from: 'check', type: 'string', nullable: true },
      { name: 'has_billing', from: 'check', type: 'boolean' },
    ],
    // Google being down is a 503, not "not connected": the refresh engine already retried
    onFault: 'unavailable',
    notConnected: 'GCP is not connected',
  },
  legacy: {
    status: ['/gcp/status'],
    disconnect: { method: 'POST', path: '/api/gcp/force-disconnect', id: 'gcp.forceDisconnect', response: { success: true, message: 'GCP disconnected successfully' } },
  },
});
