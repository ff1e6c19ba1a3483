import '../lazy-core.ts'; // one chunk for what the lazy code shares with its function (lib/lazy-core.ts)
import type { SecretValue } from '../secret-value.ts';
import { assertSecretPath, encodeDocument, toSecretDocument } from './document.ts';
import { SecretStoreError, type SecretDocument, type SecretStore } from './port.ts';
import { isRetryableStatus, withRetry, type RetryPolicy } from '../retry.ts';
import { StaticVaultToken, type VaultAuth } from './vault-auth.ts';
import { vaultRequest } from './vault-http.ts';

export type { RetryPolicy } from '../retry.ts';
// index.ts takes the IAM login from here: a second import() target of its own would be one more
// entry point for esbuild's code splitting, and one more chunk in every function (docs/performance.md)
export { AwsIamVaultAuth } from './vault-auth.ts';

export interface VaultSecretStoreOptions {
  addr: string;
  /** a static token (local and development use) ... */
  token?: string;
  /** ... or how to obtain one (deployed: Vault's AWS IAM auth, lib/secrets/vault-auth.ts) */
  auth?: VaultAuth;
  mount: string;
  prefix: string;
  namespace?: string;
  /** per attempt */
  timeoutMs?: number;
  retry?: Partial<RetryPolicy>;
}

const DEFAULT_RETRY: RetryPolicy = { attempts: 3, baseDelayMs: 100, maxDelayMs: 2000 };
const DEFAULT_TIMEOUT_MS = 5000;
const REF_PREFIX = 'vault:';

type Operation = 'write' | 'read' | 'delete' | 'list';
interface VaultResponse {
  status: number;
  body: unknown;
  retryAfter?: string | null;
  /** the token the request carried, so a 403 can retire exactly that one */
  token: string;
}

/**
 * HashiCorp Vault KV v2 over plain HTTP. Deletes go through the metadata endpoint so every version
 * of a credential is destroyed, not just hidden behind a soft delete.
 */
export class VaultSecretStore implements SecretStore {
  readonly kind = 'vault' as const;
  readonly #addr: string;
  readonly #auth: VaultAuth;
  readonly #mount: string;
  readonly #prefix: string;
  readonly #namespace?: string;
  readonly #timeoutMs: number;
  readonly #retry: RetryPolicy;

  constructor(opts: VaultSecretStoreOptions) {
    this.#addr = opts.addr.replace(/\/+$/, '');
    if (!opts.auth && !opts.token) throw new SecretStoreError('The Vault store needs a token or an auth method');
    this.#auth = opts.auth ?? new StaticVaultToken(opts.token!);
    this.#mount = trimSlashes(opts.mount);
    this.#prefix = trimSlashes(opts.prefix);
    this.#namespace = opts.namespace;
    this.#timeoutMs = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#retry = { ...DEFAULT_RETRY, ...opts.retry };
  }

  async put(path: string, value: SecretValue<SecretDocument>): Promise<string> {
    assertSecretPath(path);
    await this.#call('write', path, 'POST', this.#url('data', path), `{"data":${encodeDocument(value)}}`);
    return `${REF_PREFIX}${this.#mount}/data/${this.#prefix}/${path}`;
  }

  async get(ref: string): Promise<SecretValue<SecretDocument> | null> {
    const path = this.#pathOf(ref);
    const res = await this.#call('read', path, 'GET', this.#url('data', path));
    if (res.status === 404) return null;
    const data = (res.body as { data?: { data?: unknown } } | undefined)?.data?.data;
    // A soft-deleted latest version answers with data null (deleted by hand in Vault): that is "missing".
    if (data === null) return null;
    return toSecretDocument(data, `Vault secret ${ref}`);
  }

  async delete(ref: string): Promise<void> {
    const path = this.#pathOf(ref);
    await this.#call('delete', path, 'DELETE', this.#url('metadata', path));
  }

  async exists(ref: string): Promise<boolean> {
    return (await this.get(ref)) !== null;
  }

  async list(): Promise<string[]> {
    const refs: string[] = [];
    await this.#walk('users/', refs);
    return refs.sort();
  }

  async #walk(dir: string, out: string[]): Promise<void> {
    // GET ?list=true is Vault's documented alias of the LIST verb, which some proxies (and Node's own HTTP parser) reject.
    const res = await this.#call('list', dir, 'GET', `${this.#url('metadata', dir)}/?list=true`);
    if (res.status === 404) return;
    const keys = (res.body as { data?: { keys?: unknown } } | undefined)?.data?.keys;
    for (const key of Array.isArray(keys) ? keys : []) {
      if (typeof key !== 'string') continue;
      if (key.endsWith('/')) await this.#walk(dir + key, out);
      else if (isValidPath(dir + key)) out.push(`${REF_PREFIX}${this.#mount}/data/${this.#prefix}/${dir}${key}`);
    }
  }

  #pathOf(ref: string): string {
    const expected = `${REF_PREFIX}${this.#mount}/data/${this.#prefix}/`;
    if (typeof ref !== 'string' || !ref.startsWith(expected)) {
      throw new SecretStoreError('Vault secret reference is outside the configured VAULT_MOUNT/VAULT_PREFIX');
    }
    return assertSecretPath(ref.slice(expected.length));
  }

  #url(area: 'data' | 'metadata', path: string): string {
    const segments = [this.#mount, area, this.#prefix, path].join('/').split('/').filter(Boolean);
    return `${this.#addr}/v1/${segments.map(encodeURIComponent).join('/')}`;
  }

  /**
   * Retries what may heal by itself (429, 5xx, network, timeout) by the one policy (lib/retry.ts);
   * a 403 to a token that can be replaced (it expired, or Vault revoked it) gets one fresh login
   * and one more try; the rest maps to a clear error.
   */
  async #call(op: Operation, path: string, method: string, url: string, body?: string): Promise<VaultResponse> {
    const first = await this.#attempt(op, path, method, url, body);
    if (first.status !== 403 || !this.#auth.canRelogin) return this.#check(op, path, first);
    this.#auth.expired(first.token);
    return this.#check(op, path, await this.#attempt(op, path, method, url, body));
  }

  async #attempt(op: Operation, path: string, method: string, url: string, body?: string): Promise<VaultResponse> {
    const token = await this.#auth.token();
    let tried = 0;
    let res: VaultResponse;
    try {
      res = await withRetry(
        this.#retry,
        (n) => {
          tried = n + 1;
          return this.#send(method, url, token, body);
        },
        (o) => (!o.ok ? {} : isRetryableStatus(o.value.status) ? { retryAfter: o.value.retryAfter } : false),
      );
    } catch (failure) {
      throw this.#gaveUp(op, path, tried, undefined, failure);
    }
    if (isRetryableStatus(res.status)) throw this.#gaveUp(op, path, tried, res, undefined);
    return res;
  }

  async #send(method: string, url: string, token: string, body?: string): Promise<VaultResponse> {
    return { ...(await vaultRequest({ namespace: this.#namespace, timeoutMs: this.#timeoutMs }, method, url, { token, body })), token };
  }

  #check(op: Operation, path: string, res: VaultResponse): VaultResponse {
    if ((res.status >= 200 && res.status < 300) || res.status === 404) return res;
    if (res.status === 403) {
      const ns = this.#namespace ? ` in namespace ${this.#namespace}` : '';
      throw new SecretStoreError(
        `Vault denied access (HTTP 403) to ${op} ${this.#where(path)}${ns}: ${this.#auth.hint}`,
      );
    }
    throw new SecretStoreError(`Vault ${op} of ${this.#where(path)} failed with HTTP ${res.status}`);
  }

  #gaveUp(op: Operation, path: string, attempts: number, res: VaultResponse | undefined, failure: unknown): SecretStoreError {
    const reason = res ? `HTTP ${res.status}` : describeNetworkFailure(failure, this.#timeoutMs);
    // Network errors from fetch name the address and an errno, never headers, so chaining them is safe.
    return new SecretStoreError(`Vault ${op} of ${this.#where(path)} failed after ${attempts} attempts: ${reason}`, {
      cause: res ? undefined : failure,
    });
  }

  #where(path: string): string {
    return `${this.#mount}/${this.#prefix}/${path}`;
  }
}

function isValidPath(path: string): boolean {
  try {
    assertSecretPath(path);
    return true;
  } catch {
    return false;
  }
}

function describeNetworkFailure(e: unknown, timeoutMs: number): string {
  const name = (e as { name?: string } | undefined)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') return `timed out after ${timeoutMs} ms`;
  const code = (e as { cause?: { code?: string } } | undefined)?.cause?.code;
  return `network error${code ? ` (${code})` : ''}`;
}


function trimSlashes(s: string): string {
  return s.replace(/^\/+|\/+$/g, '');
}
