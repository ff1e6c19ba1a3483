import type { SecretValue } from '../secret-value.ts';
import { AppError } from '../errors.ts';

/** A credential document: what a provider needs to act (tokens, keys, client secrets). */
export type SecretDocument = Record<string, unknown>;

/**
 * Where credentials live. `put` returns the reference the connection record keeps
 * (`vault:kv/data/<prefix>/users/<uid>/<provider>/<account>`, `awssm:<region>:<name>`, `local:<name>`);
 * `get` and `delete` take that reference. A path is `users/<uid>/<provider>/<account>`, built by
 * `secretPath()` so that every backend sees the same identity.
 */
export interface SecretStore {
  readonly kind: 'local' | 'vault' | 'aws-secrets-manager';
  put(path: string, value: SecretValue<SecretDocument>): Promise<string>;
  /** null when the secret does not exist (deleted or never written) */
  get(ref: string): Promise<SecretValue<SecretDocument> | null>;
  /** idempotent: deleting a missing secret is not an error */
  delete(ref: string): Promise<void>;
  /** true when the reference points at a stored secret (consistency checks) */
  exists(ref: string): Promise<boolean>;
  /** every reference currently stored under `users/` (consistency checks, small scale only) */
  list?(): Promise<string[]>;
}

/**
 * Thrown by backends when the store itself fails (network, 5xx, permission). Never carries secret
 * values; its message names paths and references, so callers only see a generic 503.
 */
export class SecretStoreError extends AppError {
  constructor(message: string, opts?: { cause?: unknown }) {
    super(503, 'secret_store_unavailable', message, { cause: opts?.cause, expose: false, publicMessage: 'The credential store is unavailable. Please try again.' });
    this.name = 'SecretStoreError';
  }
}

const SAFE = /^[A-Za-z0-9_@-][A-Za-z0-9._@-]{0,127}$/;

/**
 * users/<uid>/<provider>/<account>[/<name>]. Segments that hold anything outside [A-Za-z0-9._@-]
 * are written as `b64.<base64url>` so every backend (Secrets Manager names allow only /_+=.@-)
 * gets a valid, collision-free name.
 */
export function secretPath(userId: string, provider: string, accountId: string, name?: string): string {
  const enc = (s: string) => (SAFE.test(s) && !s.startsWith('b64.') ? s : `b64.${Buffer.from(s).toString('base64url')}`);
  return ['users', enc(userId), enc(provider), enc(accountId), ...(name ? [enc(name)] : [])].join('/');
}
