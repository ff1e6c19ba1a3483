/**
 * Deploy-time choices that shape every function, read from the environment `sst deploy` runs in.
 * Every variable read here is a setting declared in lib/config (test/unit/stacks-settings.test.ts).
 */
import type { AuthMode, SecretBackend } from './types.ts';
import { secretComponentName } from '../../config/define.ts';

/** Deploy-time choices that shape every function; built from the deploy environment by deploySettings(). */
export interface DeploySettings {
  secretBackend: SecretBackend;
  authMode: AuthMode;
  /** Secrets Manager KMS key (ARN or key id); the AWS managed key when unset */
  secretsManagerKmsKeyId?: string;
  /** Vault, reached with its AWS IAM auth method by the functions' roles (no token is deployed) */
  vault: { addr?: string; mount?: string; prefix?: string; namespace?: string; awsRole?: string; awsAuthMount?: string; awsHeaderValue?: string; stsUrl?: string; stsRegion?: string };
  /** declared, non-secret settings set in the deploy environment, forwarded to every function */
  shared: Record<string, string>;
  /** app credentials declared secret in lib/config: env var → the SST Secret linked to carry it (never an environment value) */
  appSecrets: Record<string, string>;
}

export const DEFAULT_SETTINGS: DeploySettings = {
  secretBackend: 'aws-secrets-manager',
  authMode: 'jwt',
  vault: {},
  shared: {},
  appSecrets: {},
};

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
  'VAULT_AUTH_METHOD',
  'VAULT_AWS_ROLE',
  'VAULT_AWS_AUTH_MOUNT',
  'VAULT_AWS_HEADER_VALUE',
  'VAULT_AWS_STS_URL',
  'VAULT_AWS_STS_REGION',
  'VAULT_MOUNT',
  'VAULT_PREFIX',
  'VAULT_NAMESPACE',
  'GCP_SETUP_STATE_MACHINE_ARN',
  'KUBECTL_AGENT_MANAGEMENT_ENDPOINT',
]);
/** Settings `sst deploy` itself reads (API throttling, its custom domain): nothing for a function to know. */
const DEPLOY_ONLY_SETTINGS = new Set(['API_THROTTLE_BURST_LIMIT', 'API_THROTTLE_RATE_LIMIT', 'API_CUSTOM_DOMAIN', 'API_CUSTOM_DOMAIN_CERT_ARN', 'ALARM_EMAIL']);
/** Settings that only mean something on a laptop (emulators, local files, the local port). */
const LOCAL_ONLY_SETTINGS = new Set(['DYNAMODB_ENDPOINT', 'SECRETS_MANAGER_ENDPOINT', 'AURORA_DATA_DIR', 'LOCAL_SECRETS_DIR', 'PORT']);
/** A URL on the deploying machine: meaningless to a Lambda (simulators, emulators). The frontend may be local. */
const LOOPBACK_URL = /^[a-z][a-z0-9+.-]*:\/\/(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?(\/|$)/i;
const MAY_BE_LOCAL = new Set(['FRONTURL', 'FRONTEND_ORIGIN']);
/** Lambda reserves these names (AWS_REGION, AWS_LAMBDA_*, LAMBDA_TASK_ROOT, _HANDLER, ...); SST_* belong to SST. */
const RESERVED_ENV = /^(AWS_|LAMBDA_|SST_|_)/;

export { secretComponentName };

/** The stage whose deploy refuses what other stages only warn about. */
export const PRODUCTION_STAGE = 'production';

/**
 * Identity and origin choices that would deploy an API anyone can impersonate users on, or a
 * production API that trusts no issuer or no known console: refused before any resource exists.
 */
export function assertDeployableIdentity(env: Record<string, string | undefined>, authMode: AuthMode, stage: string | undefined): void {
  const issuer = env.JWT_ISSUER || undefined;
  if (authMode === 'trusted-header' && issuer) {
    throw new Error('AUTH_MODE=trusted-header cannot be deployed with JWT_ISSUER: the X-User-ID header would be trusted beside verified tokens; use AUTH_MODE=jwt');
  }
  if (authMode === 'trusted-header' && !env.API_CUSTOM_DOMAIN) {
    // on the public execute-api URL anyone could send X-User-ID; only a domain behind the proxy may reach it
    throw new Error('AUTH_MODE=trusted-header deploys only behind a trusted proxy: set API_CUSTOM_DOMAIN (the default execute-api endpoint is then disabled)');
  }
  if (stage === PRODUCTION_STAGE) {
    if (!issuer) throw new Error(`The ${PRODUCTION_STAGE} stage needs JWT_ISSUER: without an authorizer no user can be identified`);
    if (!env.FRONTURL && !env.FRONTEND_ORIGIN) throw new Error(`The ${PRODUCTION_STAGE} stage needs FRONTURL or FRONTEND_ORIGIN: the console's address decides CORS and where OAuth returns`);
  }
}

/**
 * Deploy settings from the environment `sst deploy` runs in and the settings lib/config declares.
 * Non-secret declared settings that are set are forwarded to every function; secret ones become
 * SST secrets (never read from the deploy environment). With the stage, the identity checks of
 * assertDeployableIdentity run too (stacks/secrets.ts passes it: the first plan of a deploy).
 */
export function deploySettings(
  env: Record<string, string | undefined>,
  declared: Array<{ name: string; secret: boolean }>,
  stage?: string,
): DeploySettings {
  const backend = env.SECRET_BACKEND || 'aws-secrets-manager';
  if (backend !== 'vault' && backend !== 'aws-secrets-manager') {
    throw new Error(`SECRET_BACKEND="${backend}" cannot be deployed: use "vault" or "aws-secrets-manager" (the local store is for laptops)`);
  }
  const authMode = env.AUTH_MODE || 'jwt';
  if (authMode !== 'jwt' && authMode !== 'trusted-header') throw new Error(`AUTH_MODE="${authMode}" must be "jwt" or "trusted-header"`);
  if (stage !== undefined) assertDeployableIdentity(env, authMode, stage);
  const kms = env.SECRETS_MANAGER_KMS_KEY_ID || undefined;
  if (kms && /(^alias\/|:alias\/)/.test(kms)) throw new Error('SECRETS_MANAGER_KMS_KEY_ID must be a key id or key ARN (IAM cannot scope to an alias)');
  const shared: Record<string, string> = {};
  const appSecrets: Record<string, string> = {};
  if (stage !== undefined && backend === 'vault') {
    const addr = env.VAULT_ADDR;
    if (!addr || !/^https:\/\//.test(addr) || LOOPBACK_URL.test(addr)) throw new Error('SECRET_BACKEND=vault needs VAULT_ADDR, the https URL of a Vault the functions can reach');
    if (!env.VAULT_AWS_ROLE) throw new Error('SECRET_BACKEND=vault needs VAULT_AWS_ROLE: the Vault AWS auth role bound to the functions\' IAM roles (no static token is deployed)');
  }
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
    vault: {
      addr: env.VAULT_ADDR || undefined,
      mount: env.VAULT_MOUNT || undefined,
      prefix: env.VAULT_PREFIX || undefined,
      namespace: env.VAULT_NAMESPACE || undefined,
      awsRole: env.VAULT_AWS_ROLE || undefined,
      awsAuthMount: env.VAULT_AWS_AUTH_MOUNT || undefined,
      awsHeaderValue: env.VAULT_AWS_HEADER_VALUE || undefined,
      stsUrl: env.VAULT_AWS_STS_URL || undefined,
      stsRegion: env.VAULT_AWS_STS_REGION || undefined,
    },
    shared,
    appSecrets,
  };
}
