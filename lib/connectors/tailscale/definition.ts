/** Tailscale as data: API paths, scopes and the messages users see. */
export const tailscale = {
  /** "-" is the API's name for the OAuth client's own tailnet */
  defaultTailnet: '-',
  /** tailnet org names ("example.com", "user@gmail.com"), tailnet ids ("T1234CNTRL") or "-" */
  tailnetPattern: /^(-|[A-Za-z0-9][A-Za-z0-9._@+-]{0,252})$/,
  paths: {
    token: '/api/v2/oauth/token',
    devices: (tailnet: string) => `/api/v2/tailnet/${encodeURIComponent(tailnet)}/devices`,
    key: (tailnet: string, keyId: string) => `/api/v2/tailnet/${encodeURIComponent(tailnet)}/keys/${encodeURIComponent(keyId)}`,
  },
  /** reading the device list needs one of these (the current name first, then the legacy and broad ones) */
  deviceReadScopes: ['devices:core:read', 'devices:core', 'devices:read', 'devices', 'all:read', 'all'],
  requiredScopeNames: ['devices:core:read'],
  /** access tokens are API keys "tskey-api-<keyId>-<secret>"; the id lets us revoke them */
  accessTokenKeyId: /^tskey-api-([A-Za-z0-9]+)-/,
  /** secretPath(user, 'tailscale', sshKeyAccount): the per-user SSH key pair, never a tailnet's name */
  sshKeyAccount: 'ssh-key',
  messages: {
    invalidCredentials: 'Invalid credentials. Please check your client ID and secret.',
    tailnetNotFound: 'Tailnet not found',
    connectRequired: 'Tailscale is not connected. Connect it with an OAuth client first.',
    connected: 'Tailscale connected successfully',
    disconnected: 'Tailscale disconnected successfully',
  },
} as const;

export const missingScopesMessage = (scopes: readonly string[]) =>
  `The Tailscale OAuth client is missing required scopes: ${scopes.join(', ')}. Add them to the client under Settings → OAuth clients.`;
