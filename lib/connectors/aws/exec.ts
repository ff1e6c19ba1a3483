import { join } from 'node:path';
import { SecretValue } from '../../secret-value.ts';
import { kube, required, str, type ExecProfile, type Material } from '../kit/exec.ts';

/** aws and kubectl with short-lived STS credentials of the user's role. */
export const exec: ExecProfile = {
  accountSelection: 'required',
  configEnv: (home) => ({
    AWS_CONFIG_FILE: join(home, '.aws', 'config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, '.aws', 'credentials'),
    AWS_PAGER: '',
    AWS_CLI_AUTO_PROMPT: 'off',
    // the standard mode's three attempts fit a run's budget; the legacy mode retries DynamoDB ten times
    AWS_RETRY_MODE: 'standard',
    // Without this the CLI could fall back to the host's metadata credentials (ours, not the user's).
    AWS_EC2_METADATA_DISABLED: 'true',
    ...kube(home),
  }),
  // STS AssumeRole into the user's role (read-only role or read-only session policy in Ask mode).
  source: async ({ d, userId, connection, readOnly }) => {
    const { assumeForUser } = await import('./adapter.ts');
    return new SecretValue<Material>({ ...(await assumeForUser(d, userId, connection.accountId, { readOnly })).reveal() });
  },
  materialize: (m, { d, connection }) => {
    const keys = {
      AWS_ACCESS_KEY_ID: required(m, 'accessKeyId', 'aws'),
      AWS_SECRET_ACCESS_KEY: required(m, 'secretAccessKey', 'aws'),
      AWS_SESSION_TOKEN: required(m, 'sessionToken', 'aws'),
    };
    const region = str(m.region) ?? str(connection.metadata.region);
    const endpoint = d.config.aws.cliEndpointUrl;
    return {
      env: { ...keys, ...(region ? { AWS_REGION: region, AWS_DEFAULT_REGION: region } : {}), ...(endpoint ? { AWS_ENDPOINT_URL: endpoint } : {}) },
      files: [],
      prepare: [],
      secrets: [keys.AWS_SECRET_ACCESS_KEY, keys.AWS_SESSION_TOKEN],
    };
  },
};
