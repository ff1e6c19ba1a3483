/**
 * Confluence as data: Cloud through Atlassian OAuth 2.0 (3LO), whose sites are found with
 * accessible-resources and reached through the API gateway by cloud id; Data Center through a
 * Personal Access Token sent as a bearer token to the instance's own REST API. The messages are
 * the seed's (setup guide, troubleshooting table).
 */
export const confluence = {
  callbackPath: '/confluence/callback',
  paths: {
    accessibleResources: '/oauth/token/accessible-resources',
    cloudCurrentUser: (cloudId: string) => `/ex/confluence/${encodeURIComponent(cloudId)}/wiki/rest/api/user/current`,
    dcCurrentUser: '/rest/api/user/current',
  },
  messages: {
    connected: 'Confluence connected successfully',
    disconnected: 'Confluence disconnected successfully',
    notConnected: 'Confluence is not connected',
    patRejected: 'Failed to validate Confluence PAT',
    expired: 'Confluence credentials expired',
    reconnect: 'Reconnect via the Connectors page',
    noSite: 'The Atlassian account has no Confluence site this app may use (accessible-resources named none)',
    unreachable: (base: string) => `Could not reach Confluence at ${base}: check the base URL`,
    notConfluence: (base: string) => `${base} does not answer as a Confluence Data Center REST API (expected /rest/api/user/current): check the base URL`,
  },
} as const;
