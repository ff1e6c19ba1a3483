/**
 * Deploy-time choices that shape every function, read from the environment `sst deploy` runs in.
 * Every variable read here is a setting declared in lib/config (test/unit/stacks-settings.test.ts).
 */
import type { AuthMode, SecretBackend } from './types.ts';

/** Deploy-time choices that shape every function; built from the deploy environment by deploySettings(). */
export interface DeploySettings {
  secretBackend: SecretBackend;
  authMode: AuthMode;
  /** Secrets Manager KMS key (ARN or key id); the AWS managed key when unset */
  secretsManagerKmsKeyId?: string;
  vault: { mount?: string; prefix?: string; namespace?: string };
  /** declared, non-secret settings set in the deploy environment, forwarded to every function */
  shared: Record<string, string>;
  /** app credentials declared secret in lib/config (other than the backend's own): env var → SST Secret name */
  appSecrets: Record<string, string>;
}

export const DEFAULT_SETTINGS: DeploySettings = {
  secretBackend: 'aws-secrets-manager',
  authMode: 'jwt',
  vault: {},
  shared: {},
  appSecrets: {},
};

/** Vault's address and token are SST secrets (set with `sst secret set VaultAddr ...`). */
export const VAULT_SECRETS = { VAULT_ADDR: 'VaultAddr', VAULT_TOKEN: 'VaultToken' } as const;

/** Settings the stacks set themselves (never forwarded from the deploy environment). */
const OWNED_SETTINGS = new Set([
  'AURORA_STAGE',
  'AUTH_MODE',
  'TABLE_NAME',
  'SECRET_BACKEND',
  'SECRETS_MANAGER_PREFIX',
  'SECRETS_MANAGER_KMS_KEY_ID',
  'VAULT_ADDR',
  'VAULT_TOKEN',
  'VAULT_MOUNT',
  'VAULT_PREFIX',
  'VAULT_NAMESPACE',
  'GCP_SETUP_STATE_MACHINE_ARN',
  'KUBECTL_AGENT_MANAGEMENT_ENDPOINT',
]);
/** Settings `sst deploy` itself reads (API throttling): nothing for a function to know. */
const DEPLOY_ONLY_SETTINGS = new Set(['API_THROTTLE_BURST_LIMIT', 'API_THROTTLE_RATE_LIMIT']);
/** Settings that only mean something on a laptop (emulators, local files, the local port). */
const LOCAL_ONLY_SETTINGS = new Set(['DYNAMODB_ENDPOINT', 'SECRETS_MANAGER_ENDPOINT', 'AURORA_DATA_DIR', 'LOCAL_SECRETS_DIR', 'PORT']);
/** A URL on the deploying machine: meaningless to a Lambda (simulators, emulators). The frontend may be local. */
const LOOPBACK_URL = /^[a-z][a-z0-9+.-]*:\/\/(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?(\/|$)/i;
const MAY_BE_LOCAL = new Set(['FRONTURL', 'FRONTEND_ORIGIN']);
/** Lambda reserves these names (AWS_REGION, AWS_LAMBDA_*, LAMBDA_TASK_ROOT, _HANDLER, ...); SST_* belong to SST. */
const RESERVED_ENV = /^(AWS_|LAMBDA_|SST_|_)/;

/** "GOOGLE_CLIENT_SECRET" → "GoogleClientSecret" (the SST Secret holding it). */
export function secretComponentName(envName: string): string {
  return envName
    .toLowerCase()
    .split('_')
    .filter(Boolean)
    .map((p) => p[0].toUpperCase() + p.slice(1))
    .join('');
}

/**
 * Deploy settings from the environment `sst deploy` runs in and the settings lib/config declares.
 * Non-secret declared settings that are set are forwarded to every function; secret ones become
 * SST secrets (never read from the deploy environment).
 */
export function deploySettings(
  env: Record<string, string | undefined>,
  declared: Array<{ name: string; secret: boolean }>,
): DeploySettings {
  const backend = env.SECRET_BACKEND || 'aws-secrets-manager';
  if (backend !== 'vault' && backend !== 'aws-secrets-manager') {
    throw new Error(`SECRET_BACKEND="${backend}" cannot be deployed: use "vault" or "aws-secrets-manager" (the local store is for laptops)`);
  }
  const authMode = env.AUTH_MODE || 'jwt';
  if (authMode !== 'jwt' && authMode !== 'trusted-header') throw new Error(`AUTH_MODE="${authMode}" must be "jwt" or "trusted-header"`);
  const kms = env.SECRETS_MANAGER_KMS_KEY_ID || undefined;
  if (kms && /(^alias\/|:alias\/)/.test(kms)) throw new Error('SECRETS_MANAGER_KMS_KEY_ID must be a key id or key ARN (IAM cannot scope to an alias)');
  const shared: Record<string, string> = {};
  const appSecrets: Record<string, string> = {};
  for (const s of declared) {
    if (OWNED_SETTINGS.has(s.name) || DEPLOY_ONLY_SETTINGS.has(s.name) || LOCAL_ONLY_SETTINGS.has(s.name) || RESERVED_ENV.test(s.name)) continue;
    const value = env[s.name];
    if (s.secret) appSecrets[s.name] = secretComponentName(s.name);
    else if (value !== undefined && value !== '') {
      if (LOOPBACK_URL.test(value) && !MAY_BE_LOCAL.has(s.name)) {
        throw new Error(`${s.name}=${value} points at this machine (a simulator?): unset it before deploying`);
      }
      shared[s.name] = value;
    }
  }
  return {
    secretBackend: backend,
    authMode,
    secretsManagerKmsKeyId: kms,
    vault: { mount: env.VAULT_MOUNT || undefined, prefix: env.VAULT_PREFIX || undefined, namespace: env.VAULT_NAMESPACE || undefined },
    shared,
    appSecrets,
  };
}
