import { SecretValue } from '../../secret-value.ts';
import { required, str, type ExecProfile } from '../kit/exec.ts';

/** tailscale with a fresh API token from the user's OAuth client. */
export const exec: ExecProfile = {
  accountSelection: 'none',
  configEnv: () => ({}),
  // A fresh one-hour token from the OAuth client (tailscale/service.ts), for the newest working tailnet.
  source: async ({ d, userId }) => {
    const { tailscaleTokenForUser } = await import('./service.ts');
    return new SecretValue({ token: (await tailscaleTokenForUser(d, userId)).reveal() });
  },
  materialize: (m, { d, connection }) => {
    const token = required(m, 'token', 'tailscale');
    return {
      env: { TAILSCALE_API_KEY: token, TAILSCALE_TAILNET: str(connection.metadata.tailnet) ?? connection.accountId, TAILSCALE_BASE_URL: d.config.tailscale.apiUrl },
      files: [],
      prepare: [],
      secrets: [token],
    };
  },
};
