/** GitHub as data: the paths we call, what the frontend is sent back with, and the messages users see. */
export const github = {
  callbackPath: '/github/callback',
  paths: {
    authorize: '/login/oauth/authorize',
    token: '/login/oauth/access_token',
    user: '/user',
    /** DELETE: revokes the OAuth App's whole grant for the user (every token of it), with the app's Basic credentials */
    grant: (clientId: string) => `/applications/${encodeURIComponent(clientId)}/grant`,
  },
  login: { success: 'github_success' },
  /** GitHub's webhook headers (lower-case, as deliveries arrive) */
  headers: { signature: 'x-hub-signature-256', delivery: 'x-github-delivery', event: 'x-github-event' },
  messages: {
    notConfigured: 'GitHub OAuth App not configured: set GH_OAUTH_CLIENT_ID and GH_OAUTH_CLIENT_SECRET',
    disconnected: 'GitHub disconnected successfully',
    notConnected: 'GitHub is not connected',
    tokenRefused: 'GitHub refused the stored token (Bad credentials): the authorization was revoked; connect GitHub again',
    otherAccount: 'The stored GitHub token now belongs to another account; connect GitHub again',
    missing: 'The stored GitHub token is missing; connect GitHub again',
  },
} as const;
