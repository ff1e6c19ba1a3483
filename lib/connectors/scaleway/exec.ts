import { join } from 'node:path';
import { SecretValue } from '../../secret-value.ts';
import { required, storedSecret, str, type ExecProfile } from '../kit/exec.ts';

/** scw with the user's API key. */
export const exec: ExecProfile = {
  accountSelection: 'none',
  configEnv: (home) => ({ SCW_CONFIG_PATH: join(home, '.config', 'scw', 'config.yaml') }),
  // Scaleway has no short-lived credentials: the user's API key is handed over as it is.
  source: async ({ d, connection }) => {
    const doc = await storedSecret(d, connection, 'scaleway');
    return new SecretValue({
      secretKey: doc.secret_key,
      accessKey: connection.metadata.access_key,
      organizationId: connection.metadata.organization_id ?? connection.accountId,
      projectId: connection.metadata.default_project_id,
    });
  },
  materialize: (m, { d }) => {
    const secretKey = required(m, 'secretKey', 'scaleway');
    const project = str(m.projectId);
    return {
      env: {
        SCW_ACCESS_KEY: required(m, 'accessKey', 'scaleway'),
        SCW_SECRET_KEY: secretKey,
        SCW_DEFAULT_ORGANIZATION_ID: required(m, 'organizationId', 'scaleway'),
        ...(project ? { SCW_DEFAULT_PROJECT_ID: project } : {}),
        SCW_API_URL: d.config.scaleway.apiUrl,
      },
      files: [],
      prepare: [],
      secrets: [secretKey],
    };
  },
};
