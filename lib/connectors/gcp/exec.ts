import { join } from 'node:path';
import { SecretValue } from '../../secret-value.ts';
import { kube, required, str, type ExecProfile } from '../kit/exec.ts';

/** gcloud, gsutil, bq and kubectl with a token minted by impersonating the user's service account. */
export const exec: ExecProfile = {
  accountSelection: 'none',
  configEnv: (home) => ({
    CLOUDSDK_CONFIG: join(home, '.config', 'gcloud'),
    CLOUDSDK_CORE_DISABLE_PROMPTS: '1',
    CLOUDSDK_CORE_DISABLE_USAGE_REPORTING: 'true',
    CLOUDSDK_COMPONENT_MANAGER_DISABLE_UPDATE_CHECK: 'true',
    BOTO_CONFIG: join(home, '.boto'),
    ...kube(home),
  }),
  // Impersonates the user's read-only service account in Ask mode, the full one otherwise.
  source: async ({ d, userId, readOnly }) => {
    const { gcpTokenForUser } = await import('./command-token.ts');
    const t = await gcpTokenForUser(d, userId, { readOnly });
    return new SecretValue({ token: t.accessToken.reveal(), expiresAt: t.expiresAt, projectId: t.projectId ?? undefined });
  },
  materialize: (m, _req, home) => {
    const token = required(m, 'token', 'gcp');
    const tokenFile = join(home, '.config', 'gsutil', 'token.json');
    const project = str(m.projectId);
    return {
      // gcloud and bq (through gcloud's credential store) read the token from the environment;
      // the user's root project is the default when the command names none; the configured API
      // endpoints (Private Service Connect, the simulator) replace googleapis.com.
      env: {
        CLOUDSDK_AUTH_ACCESS_TOKEN: token,
        ...(project ? { CLOUDSDK_CORE_PROJECT: project } : {}),
        ...Object.fromEntries(Object.entries(_req.d.config.gcp.cliEndpointOverrides).map(([api, url]) => [`CLOUDSDK_API_ENDPOINT_OVERRIDES_${api.toUpperCase()}`, url])),
      },
      // gsutil reads boto config; this is its documented way to use an externally minted token.
      files: [
        { path: '.config/gsutil/token.json', content: JSON.stringify({ type: 'external_account_authorized_user', token }) },
        { path: '.boto', content: `[Credentials]\ngs_external_account_authorized_user_file = ${tokenFile}\n` },
      ],
      prepare: [],
      secrets: [token],
    };
  },
};
