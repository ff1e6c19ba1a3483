/** Slack as data: the paths we call, what the frontend is sent back with, and the messages users see. */
export const slack = {
  callbackPath: '/slack/callback',
  paths: {
    authorize: '/oauth/v2/authorize',
    access: '/oauth.v2.access',
    authTest: '/auth.test',
    revoke: '/auth.revoke',
  },
  login: { success: 'slack_success' },
  /** Web API errors that mean the token no longer works (reconnect), as opposed to a fault */
  refusedErrors: ['invalid_auth', 'not_authed', 'token_revoked', 'token_expired', 'account_inactive', 'no_permission', 'missing_scope', 'team_access_not_granted', 'ekm_access_denied'],
  headers: { signature: 'x-slack-signature', timestamp: 'x-slack-request-timestamp' },
  messages: {
    notConfigured: 'Slack app not configured: set SLACK_CLIENT_ID and SLACK_CLIENT_SECRET',
    signingNotConfigured: 'Slack events not configured: set SLACK_SIGNING_SECRET',
    disconnected: 'Slack disconnected successfully',
    notConnected: 'Slack is not connected',
    missing: 'The stored Slack bot token is missing; connect Slack again',
    otherTeam: 'The stored Slack bot token now belongs to another workspace; connect Slack again',
    refused: (error: string) => `Slack refused the stored bot token (${error}): the app was removed or its token revoked; connect Slack again`,
  },
} as const;
