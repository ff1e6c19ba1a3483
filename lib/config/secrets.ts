import { section, setting, oneOf, str, optStr, optUrl, url, int } from './define.ts';

export const secretsSection = section(
  {
    SECRET_BACKEND: setting(
      oneOf(['local', 'vault', 'aws-secrets-manager'], 'local'),
      'Where credentials are kept: "local" (encrypted files, the embedded default), "vault" (HashiCorp Vault KV v2) or "aws-secrets-manager".',
    ),
    VAULT_ADDR: setting(optUrl(), 'Vault address, e.g. https://vault.example.com:8200 (SECRET_BACKEND=vault).'),
    VAULT_TOKEN: setting(optStr(), 'Vault token (SECRET_BACKEND=vault, VAULT_AUTH_METHOD=token): local and development use only; deployed functions log in with their IAM role.', { secret: true }),
    VAULT_AUTH_METHOD: setting(
      oneOf(['token', 'aws'], 'token'),
      'How the Vault store authenticates: "token" (VAULT_TOKEN) or "aws" (Vault\'s AWS IAM auth method with the function\'s role; what the stacks deploy).',
    ),
    VAULT_AWS_ROLE: setting(optStr(), 'Vault role of the AWS auth method bound to the functions\' IAM role ARNs (VAULT_AUTH_METHOD=aws; required to deploy with SECRET_BACKEND=vault).'),
    VAULT_AWS_AUTH_MOUNT: setting(str('aws'), 'Mount path of Vault\'s AWS auth method.'),
    VAULT_AWS_HEADER_VALUE: setting(optStr(), 'Value of the X-Vault-AWS-IAM-Server-ID header, when the Vault AWS auth method requires one (iam_server_id_header_value).'),
    VAULT_AWS_STS_URL: setting(url('https://sts.amazonaws.com'), 'STS endpoint the signed GetCallerIdentity request names (Vault\'s sts_endpoint for the AWS auth method).'),
    VAULT_AWS_STS_REGION: setting(str('us-east-1'), 'Signing region of VAULT_AWS_STS_URL (Vault\'s sts_region).'),
    VAULT_MOUNT: setting(str('kv'), 'Vault KV v2 mount path.'),
    VAULT_PREFIX: setting(str('aurora'), 'Path prefix inside the mount; secrets live at <mount>/data/<prefix>/users/<uid>/...'),
    VAULT_NAMESPACE: setting(optStr(), 'Vault Enterprise namespace (X-Vault-Namespace).'),
    SECRETS_MANAGER_ENDPOINT: setting(optUrl(), 'AWS Secrets Manager endpoint override.'),
    SECRETS_MANAGER_PREFIX: setting(str('aurora'), 'Name prefix for secrets in AWS Secrets Manager; IAM policies are scoped to it.'),
    SECRETS_MANAGER_KMS_KEY_ID: setting(optStr(), 'KMS key for new Secrets Manager secrets (default: the AWS managed key).'),
    LOCAL_SECRETS_DIR: setting(optStr(), 'Local secret store directory. Default: <AURORA_DATA_DIR>/secrets.'),
    SECRET_CACHE_TTL_MS: setting(int(30000, 0, 3600000), 'In-process secret cache TTL in milliseconds (0 disables).'),
  },
  (v) => ({
    backend: v.SECRET_BACKEND,
    vault: {
      addr: v.VAULT_ADDR,
      token: v.VAULT_TOKEN,
      mount: v.VAULT_MOUNT,
      prefix: v.VAULT_PREFIX,
      namespace: v.VAULT_NAMESPACE,
      authMethod: v.VAULT_AUTH_METHOD,
      aws: { role: v.VAULT_AWS_ROLE, mount: v.VAULT_AWS_AUTH_MOUNT, headerValue: v.VAULT_AWS_HEADER_VALUE, stsUrl: v.VAULT_AWS_STS_URL, stsRegion: v.VAULT_AWS_STS_REGION },
    },
    secretsManager: { endpoint: v.SECRETS_MANAGER_ENDPOINT, prefix: v.SECRETS_MANAGER_PREFIX, kmsKeyId: v.SECRETS_MANAGER_KMS_KEY_ID },
    localDir: v.LOCAL_SECRETS_DIR,
    cacheTtlMs: v.SECRET_CACHE_TTL_MS,
  }),
);
