import { SecretValue } from '../../secret-value.ts';
import { required, str, type ExecProfile } from '../kit/exec.ts';

/** ovhcloud with the user's OAuth access token. */
export const exec: ExecProfile = {
  accountSelection: 'none',
  configEnv: () => ({}),
  // The user's OAuth access token, refreshed ahead of expiry (ovh/tokens.ts).
  source: async ({ d, userId }) => {
    const { ovhTokenForUser } = await import('./tokens.ts');
    return new SecretValue({ token: (await ovhTokenForUser(d, userId)).reveal() });
  },
  materialize: (m, { d, connection }) => {
    const token = required(m, 'token', 'ovh');
    const endpoint = str(connection.metadata.endpoint) ?? 'ovh-eu';
    // The configured API base (sovereign or simulated) wins over the region name; the CLI takes either.
    const api = (d.config.ovh.regions as Record<string, { apiUrl?: string } | undefined>)[endpoint]?.apiUrl;
    return { env: { OVH_ENDPOINT: api ?? endpoint, OVH_ACCESS_TOKEN: token }, files: [], prepare: [], secrets: [token] };
  },
};
