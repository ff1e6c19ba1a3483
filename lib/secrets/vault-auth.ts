import { SecretStoreError } from './port.ts';
import { isRetryableStatus, withRetry, type RetryPolicy } from '../retry.ts';
import { signRequest, type SigningCredentials } from '../aws/sigv4.ts';
import { vaultRequest } from './vault-http.ts';

/**
 * How the Vault store gets the token it sends. Locally (and in development) a static VAULT_TOKEN;
 * deployed, Vault's AWS IAM auth method with the function's own role, so no long-lived token sits
 * in any Lambda's configuration (issue 16). `expired` is told when Vault refused a token with 403:
 * the next token() logs in again.
 */
export interface VaultAuth {
  token(): Promise<string>;
  expired(token: string): void;
  /** true when a refused token can be replaced (a static one cannot) */
  readonly canRelogin: boolean;
  /** for error messages: what to check when Vault refuses */
  readonly hint: string;
}

export class StaticVaultToken implements VaultAuth {
  readonly canRelogin = false;
  readonly hint = 'check VAULT_TOKEN is valid and its policy covers this path';
  readonly #token: string;
  constructor(token: string) {
    this.#token = token;
  }
  token(): Promise<string> {
    return Promise.resolve(this.#token);
  }
  expired(): void {}
}

export interface AwsIamVaultAuthOptions {
  addr: string;
  namespace?: string;
  /** the auth method's mount: "aws" unless Vault mounted it elsewhere */
  mount: string;
  /** the Vault role bound to the function's IAM role ARN */
  role: string;
  /** iam_server_id_header_value, when the Vault role requires one (X-Vault-AWS-IAM-Server-ID) */
  headerValue?: string;
  /** the STS endpoint Vault replays the request to (its sts_endpoint), and its signing region */
  stsUrl: string;
  stsRegion: string;
  /** the function role's credentials (deployed: lib/aws/identity.ts) */
  credentials: () => Promise<SigningCredentials>;
  now?: () => number;
  timeoutMs: number;
  retry: RetryPolicy;
}

interface Lease {
  token: string;
  /** when Vault stops accepting it */
  expiresAt: number;
  /** when we renew (or log in again): two thirds into the lease, so a slow call never meets the end */
  refreshAt: number;
  renewable: boolean;
}

const STS_BODY = 'Action=GetCallerIdentity&Version=2011-06-15';
const b64 = (s: string) => Buffer.from(s, 'utf8').toString('base64');

/**
 * Vault's AWS IAM auth method (https://developer.hashicorp.com/vault/docs/auth/aws, "iam" type):
 * sign sts:GetCallerIdentity with the function's credentials and post the signed request to
 * auth/<mount>/login; Vault replays it to STS and admits the role ARN its role is bound to. The
 * token is kept per container, renewed (auth/token/renew-self) two thirds into its lease, and
 * replaced by a fresh login when it is not renewable, when renewal fails or stops extending it
 * (the role's max TTL), or when Vault refuses it.
 */
export class AwsIamVaultAuth implements VaultAuth {
  readonly canRelogin = true;
  readonly hint: string;
  readonly #o: AwsIamVaultAuthOptions;
  readonly #now: () => number;
  #lease?: Lease;
  #pending?: Promise<string>;
  /** the lease a fresh login gets; a renewal that grants much less means the max TTL is near */
  #loginTtlMs = 0;

  constructor(opts: AwsIamVaultAuthOptions) {
    this.#o = { ...opts, addr: opts.addr.replace(/\/+$/, ''), mount: opts.mount.replace(/^\/+|\/+$/g, '') };
    this.#now = opts.now ?? Date.now;
    this.hint = `check the Vault role "${opts.role}" (auth/${this.#o.mount}) has a policy covering this path`;
  }

  token(): Promise<string> {
    const lease = this.#lease;
    if (lease && this.#now() < lease.refreshAt) return Promise.resolve(lease.token);
    // one refresh at a time per container, however many calls are waiting for it
    this.#pending ??= this.#refresh(lease).finally(() => (this.#pending = undefined));
    return this.#pending;
  }

  expired(token: string): void {
    if (this.#lease?.token === token) this.#lease = undefined;
  }

  async #refresh(lease: Lease | undefined): Promise<string> {
    if (lease?.renewable && this.#now() < lease.expiresAt) {
      const renewed = await this.#post('auth/token/renew-self', '{}', lease.token).catch(() => undefined);
      const auth = renewed?.status === 200 ? leaseOf(renewed.body) : undefined;
      // a renewal capped by the max TTL buys less and less: log in afresh instead of renewing again
      if (auth && auth.ttlMs * 2 >= this.#loginTtlMs) return this.#keep(auth.token || lease.token, auth.ttlMs, auth.renewable);
    }
    return this.#login();
  }

  async #login(): Promise<string> {
    const o = this.#o;
    const stsUrl = o.stsUrl.endsWith('/') ? o.stsUrl : `${o.stsUrl}/`;
    let creds: SigningCredentials;
    try {
      creds = await o.credentials();
    } catch {
      throw new SecretStoreError(`Vault AWS IAM login (role "${o.role}") failed: the function's AWS credentials could not be read`);
    }
    const headers = signRequest(
      {
        method: 'POST',
        url: stsUrl,
        headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8', ...(o.headerValue ? { 'x-vault-aws-iam-server-id': o.headerValue } : {}) },
        body: STS_BODY,
      },
      creds,
      { region: o.stsRegion, service: 'sts' },
      new Date(this.#now()),
    );
    const body = JSON.stringify({
      role: o.role,
      iam_http_request_method: 'POST',
      iam_request_url: b64(stsUrl),
      iam_request_body: b64(STS_BODY),
      iam_request_headers: b64(JSON.stringify(Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, [v]])))),
    });
    const res = await this.#post(`auth/${o.mount}/login`, body);
    const auth = res.status === 200 ? leaseOf(res.body) : undefined;
    if (!auth?.token) {
      // Vault's own error strings name the role or the bound ARN, never a credential
      const why = vaultErrors(res.body);
      throw new SecretStoreError(`Vault AWS IAM login (role "${o.role}", auth/${o.mount}) failed with HTTP ${res.status}${why ? `: ${why}` : ''}`);
    }
    this.#loginTtlMs = auth.ttlMs;
    return this.#keep(auth.token, auth.ttlMs, auth.renewable);
  }

  #keep(token: string, ttlMs: number, renewable: boolean): string {
    const now = this.#now();
    // a lease of 0 is a token that does not expire (Vault's root tokens): nothing to renew
    if (ttlMs <= 0) this.#lease = { token, expiresAt: Infinity, refreshAt: Infinity, renewable: false };
    else this.#lease = { token, expiresAt: now + ttlMs, refreshAt: now + Math.floor((ttlMs * 2) / 3), renewable };
    return token;
  }

  async #post(path: string, body: string, token?: string): Promise<{ status: number; body: unknown }> {
    try {
      return await withRetry(
        this.#o.retry,
        () => vaultRequest(this.#o, 'POST', `${this.#o.addr}/v1/${path}`, { token, body }),
        (out) => (!out.ok ? {} : isRetryableStatus(out.value.status) ? { retryAfter: out.value.retryAfter } : false),
      );
    } catch {
      throw new SecretStoreError(`Vault ${path.startsWith('auth/token') ? 'token renewal' : 'AWS IAM login'} could not reach Vault`);
    }
  }
}

function leaseOf(body: unknown): { token: string; ttlMs: number; renewable: boolean } | undefined {
  const auth = (body as { auth?: { client_token?: unknown; lease_duration?: unknown; renewable?: unknown } } | undefined)?.auth;
  if (!auth || typeof auth.lease_duration !== 'number') return undefined;
  return { token: typeof auth.client_token === 'string' ? auth.client_token : '', ttlMs: auth.lease_duration * 1000, renewable: auth.renewable === true };
}

function vaultErrors(body: unknown): string {
  const errors = (body as { errors?: unknown } | undefined)?.errors;
  return Array.isArray(errors) ? errors.filter((e) => typeof e === 'string').join('; ').slice(0, 200) : '';
}
