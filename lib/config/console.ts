import { section, setting, optStr, str } from './define.ts';

/**
 * The web console (web/): what it needs to sign users in when the API identifies callers by JWT.
 * The console reads these through its config document (GET /console-config.json locally, a file
 * stacks/web.ts writes into the deployed site), never from its own bundle.
 */
export const consoleSection = section(
  {
    CONSOLE_OIDC_CLIENT_ID: setting(
      optStr(),
      'Client id of the console at the OIDC issuer JWT_ISSUER (a public client: authorization code with PKCE, no secret; redirect URI <console URL>/signin-callback). Needed when AUTH_MODE is jwt.',
    ),
    CONSOLE_OIDC_SCOPE: setting(str('openid profile email'), 'Scopes the console asks the OIDC issuer for (space-separated).'),
  },
  (v) => ({ oidcClientId: v.CONSOLE_OIDC_CLIENT_ID, oidcScope: v.CONSOLE_OIDC_SCOPE }),
);
