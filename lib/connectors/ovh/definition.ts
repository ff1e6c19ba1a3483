import { OVH_ENDPOINTS } from './settings.ts';

/** OVHcloud as data. Regions, their hosts and client credentials are settings (lib/connectors/ovh/settings.ts). */
export const ovh = {
  endpoints: OVH_ENDPOINTS,
  callbackPath: '/ovh_api/ovh/oauth2/callback',
  paths: { me: '/me', cloudProjects: '/cloud/project' },
  /** what the frontend is sent back with */
  login: { success: 'ovh_success', failed: 'ovh_failed' },
  /** provider `error` values passed on to the frontend as they are; anything else reads "provider_error" */
  providerErrorPattern: /^[a-z_]{1,64}$/,
} as const;
