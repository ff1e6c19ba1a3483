import type { Config } from '../config.ts';
import { ownAwsCredentials } from '../aws/identity.ts';
import { ConfigError } from '../errors.ts';
import { SecretValue } from '../secret-value.ts';
import { CachedSecretStore } from './cache.ts';
import { SecretStoreError, type SecretDocument, type SecretStore } from './port.ts';
import type { AwsStaticCredentials } from './secrets-manager.ts';
import type { RetryPolicy } from './vault.ts';

export type SecretBackendKind = SecretStore['kind'];

export type { AwsStaticCredentials } from './secrets-manager.ts';

/** Knobs that are not settings: tests and the local runtime use them, deployed code passes nothing. */
export interface SecretStoreOverrides {
  /** now: the clock Vault leases are timed by (tests pass a fake one) */
  vault?: { timeoutMs?: number; retry?: Partial<RetryPolicy>; now?: () => number };
  awsCredentials?: AwsStaticCredentials;
  cacheMaxEntries?: number;
}

/**
 * The configured secret store, behind the TTL cache. Backends load on first use so a cold start
 * only pays for the one it needs (the Secrets Manager SDK is large).
 */
export function createSecretStore(
  cfg: Config['secrets'],
  core: Pick<Config['core'], 'dataDir' | 'region'>,
  overrides: SecretStoreOverrides = {},
): SecretStore {
  const backend = new LazySecretStore(cfg.backend, backendLoader(cfg, core, overrides));
  if (cfg.cacheTtlMs <= 0) return backend;
  return new CachedSecretStore(backend, { ttlMs: cfg.cacheTtlMs, maxEntries: overrides.cacheMaxEntries });
}

function backendLoader(
  cfg: Config['secrets'],
  core: Pick<Config['core'], 'dataDir' | 'region'>,
  overrides: SecretStoreOverrides,
): () => Promise<SecretStore> {
  switch (cfg.backend) {
    case 'local': {
      const dir = cfg.localDir ?? `${core.dataDir}/secrets`;
      return async () => new (await import('./local.ts')).LocalSecretStore({ dir });
    }
    case 'vault': {
      // Checked now, not on first use, so a misconfigured deployment fails at start-up.
      const addr = required(cfg.vault.addr, 'VAULT_ADDR', 'vault');
      const { mount, prefix, namespace } = cfg.vault;
      const { timeoutMs, retry, now } = overrides.vault ?? {};
      if (cfg.vault.authMethod === 'aws') {
        const role = required(cfg.vault.aws.role, 'VAULT_AWS_ROLE', 'vault');
        const { mount: authMount, headerValue, stsUrl, stsRegion } = cfg.vault.aws;
        const credentials = overrides.awsCredentials ? async () => overrides.awsCredentials! : () => ownAwsCredentials();
        return async () => {
          const { VaultSecretStore, AwsIamVaultAuth } = await import('./vault.ts');
          const auth = new AwsIamVaultAuth({
            addr, namespace, mount: authMount, role, headerValue, stsUrl, stsRegion, credentials, now,
            timeoutMs: timeoutMs ?? 5000,
            retry: { attempts: 3, baseDelayMs: 100, maxDelayMs: 2000, ...retry },
          });
          return new VaultSecretStore({ addr, auth, mount, prefix, namespace, timeoutMs, retry });
        };
      }
      const token = required(cfg.vault.token, 'VAULT_TOKEN', 'vault');
      return async () => new (await import('./vault.ts')).VaultSecretStore({ addr, token, mount, prefix, namespace, timeoutMs, retry });
    }
    case 'aws-secrets-manager': {
      const { endpoint, prefix, kmsKeyId } = cfg.secretsManager;
      const credentials = overrides.awsCredentials;
      return async () =>
        new (await import('./secrets-manager.ts')).SecretsManagerSecretStore({ region: core.region, endpoint, prefix, kmsKeyId, credentials });
    }
  }
}

function required(value: string | undefined, setting: string, backend: SecretBackendKind): string {
  if (!value) throw new ConfigError(`${setting} must be set when SECRET_BACKEND=${backend}`, { field: setting });
  return value;
}

const REF_PREFIXES: ReadonlyArray<readonly [string, SecretBackendKind]> = [
  ['local:', 'local'],
  ['vault:', 'vault'],
  ['awssm:', 'aws-secrets-manager'],
];

/**
 * Which backend wrote a reference. The reference itself is never echoed: legacy records may hold
 * a raw token where a reference belongs.
 */
export function resolveBackendForRef(ref: string): SecretBackendKind {
  const hit = REF_PREFIXES.find(([prefix]) => typeof ref === 'string' && ref.startsWith(prefix));
  if (!hit) throw new SecretStoreError('Unrecognised secret reference (expected local:, vault: or awssm:)');
  return hit[1];
}

/** A record written under another SECRET_BACKEND must fail loudly, not read as "missing". */
export function assertRefForBackend(kind: SecretBackendKind, ref: string): void {
  const owner = resolveBackendForRef(ref);
  if (owner !== kind) {
    throw new SecretStoreError(`Secret reference belongs to the "${owner}" backend but SECRET_BACKEND is "${kind}"`);
  }
}

// First character excludes "." so "." and ".." can never be a segment; same alphabet as secretPath().
/** Defers loading the backend module and enforces that refs belong to the configured backend. */
class LazySecretStore implements SecretStore {
  readonly kind: SecretBackendKind;
  readonly #load: () => Promise<SecretStore>;
  #backend?: Promise<SecretStore>;

  constructor(kind: SecretBackendKind, load: () => Promise<SecretStore>) {
    this.kind = kind;
    this.#load = load;
  }

  async put(path: string, value: SecretValue<SecretDocument>): Promise<string> {
    return (await this.#store()).put(path, value);
  }

  async get(ref: string): Promise<SecretValue<SecretDocument> | null> {
    assertRefForBackend(this.kind, ref);
    return (await this.#store()).get(ref);
  }

  async delete(ref: string): Promise<void> {
    assertRefForBackend(this.kind, ref);
    return (await this.#store()).delete(ref);
  }

  async exists(ref: string): Promise<boolean> {
    assertRefForBackend(this.kind, ref);
    return (await this.#store()).exists(ref);
  }

  async list(): Promise<string[]> {
    const store = await this.#store();
    if (!store.list) throw new SecretStoreError(`The ${this.kind} secret store cannot list secrets`);
    return store.list();
  }

  #store(): Promise<SecretStore> {
    // A failed import must not be memoised, or one transient failure would poison the container.
    this.#backend ??= this.#load().catch((e: unknown) => {
      this.#backend = undefined;
      throw e;
    });
    return this.#backend;
  }
}

export { assertSecretPath, decodeDocument, encodeDocument, toSecretDocument } from './document.ts';
export { CachedSecretStore } from './cache.ts';
export { SecretStoreError, secretPath, type SecretDocument, type SecretStore } from './port.ts';
