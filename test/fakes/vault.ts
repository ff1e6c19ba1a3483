import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { AwsV4Signer } from 'aws4fetch';
import { listenLoopback } from '../../lib/local/sim-kit.ts';

/**
 * A small HashiCorp Vault speaking the KV v2 HTTP API on 127.0.0.1: data/metadata paths, versions,
 * soft delete, metadata delete, list (GET ?list=true; Node's HTTP parser cannot receive the LIST
 * verb), token check (403), namespaces (X-Vault-Namespace), and switches to inject failures and latency.
 *
 * With `aws`, also the AWS auth method's IAM login (POST auth/<mount>/login): the signed
 * sts:GetCallerIdentity request is checked as STS would (the signature recomputed with aws4fetch,
 * an implementation independent of ours, the date within 15 minutes, the server-id header signed
 * when required), then a token with a lease is issued; auth/token/renew-self extends it up to the
 * max TTL; an expired token answers 403. Leases are timed by `now` (a fake clock in tests).
 */
export interface FakeVaultOptions {
  token?: string;
  mounts?: string[];
  /** when set, the token only works in this namespace (as a namespaced token does) */
  namespace?: string;
  aws?: FakeVaultAwsAuth;
  now?: () => number;
}

export interface FakeVaultAwsAuth {
  mount?: string;
  /** the one Vault role, bound to the caller whose keys these are */
  role: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  ttlSeconds: number;
  maxTtlSeconds?: number;
  renewable?: boolean;
  headerValue?: string;
  stsUrl?: string;
  stsRegion?: string;
  /** the policy of issued tokens: only paths (after /v1/) under this prefix; all when unset */
  allowedPrefix?: string;
}

interface IssuedToken {
  issuedAt: number;
  expiresAt: number;
}

export interface VaultRequestLog {
  method: string;
  /** path after /v1/, decoded */
  path: string;
  area?: 'data' | 'metadata';
  namespace?: string;
  list: boolean;
  status: number;
}

interface Version {
  data: Record<string, unknown>;
  created_time: string;
  deletion_time: string;
  destroyed: boolean;
}

interface Entry {
  versions: Version[];
  created_time: string;
  updated_time: string;
}

interface Route {
  mount: string;
  area: 'data' | 'metadata';
  path: string;
}

export class FakeVault {
  readonly token: string;
  readonly mounts: string[];
  readonly namespace?: string;
  readonly aws?: FakeVaultAwsAuth;
  readonly now: () => number;
  /** tokens issued by logins, by token */
  readonly issued = new Map<string, IssuedToken>();
  logins = 0;
  renewals = 0;
  /** why the last login was refused */
  lastLoginError?: string;
  url = '';
  requests: VaultRequestLog[] = [];
  /** delay before every answer */
  latencyMs = 0;
  /** answer every request with this status until cleared */
  failAll?: number;
  readonly #failNext: number[] = [];
  readonly #store = new Map<string, Entry>();
  readonly #timers = new Set<NodeJS.Timeout>();
  #close?: () => Promise<void>;

  constructor(opts: FakeVaultOptions = {}) {
    this.token = opts.token ?? 'hvs.fake-root-token';
    this.mounts = opts.mounts ?? ['kv'];
    this.namespace = opts.namespace;
    this.aws = opts.aws;
    this.now = opts.now ?? Date.now;
  }

  /** Revoke an issued token (as `vault token revoke` would). */
  revoke(token: string): void {
    this.issued.delete(token);
  }

  #tokenValid(token: string | undefined): boolean {
    if (token === undefined) return false;
    if (token === this.token) return true;
    const t = this.issued.get(token);
    return !!t && this.now() < t.expiresAt;
  }

  async start(): Promise<this> {
    const server = await listenLoopback((req, res) => this.#handle(req, res), { errors: ['internal error'] });
    this.url = server.url;
    this.#close = server.close;
    return this;
  }

  async stop(): Promise<void> {
    for (const t of this.#timers) clearTimeout(t);
    await this.#close?.();
  }

  /** the next `count` requests answer `status` (e.g. 429, 503) */
  failNext(count: number, status = 500): void {
    for (let i = 0; i < count; i++) this.#failNext.push(status);
  }

  reset(): void {
    this.requests = [];
    this.latencyMs = 0;
    this.failAll = undefined;
    this.#failNext.length = 0;
  }

  count(method: string, area?: 'data' | 'metadata'): number {
    return this.requests.filter((r) => r.method === method && (area === undefined || r.area === area) && !r.list).length;
  }

  /** test peek: versions kept for a path (mount-relative, e.g. "aurora/users/u/p/a") */
  versions(path: string, opts: { mount?: string; namespace?: string } = {}): number {
    return this.#store.get(this.#key(opts.namespace ?? this.namespace, opts.mount ?? this.mounts[0], path))?.versions.length ?? 0;
  }

  async #handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    if (this.latencyMs > 0) await this.#delay(this.latencyMs);
    if (res.destroyed) return;
    const url = new URL(req.url ?? '/', 'http://fake');
    const namespace = header(req, 'x-vault-namespace');
    const rel = decodeURIComponent(url.pathname.replace(/^\/v1\/?/, ''));
    const list = url.searchParams.get('list') === 'true' || req.method === 'LIST';
    const route = this.#route(rel);
    const answer = await this.#answer(req, route, namespace, list, body);
    this.requests.push({ method: req.method ?? '', path: rel, area: route?.area, namespace, list, status: answer.status });
    res.writeHead(answer.status, answer.body === undefined ? {} : { 'content-type': 'application/json' });
    res.end(answer.body === undefined ? undefined : JSON.stringify(answer.body));
  }

  #answer(req: IncomingMessage, route: Route | undefined, namespace: string | undefined, list: boolean, raw: string): Answer | Promise<Answer> {
    const injected = this.#failNext.shift() ?? this.failAll;
    if (injected) return { status: injected, body: { errors: [injected === 429 ? 'rate limit quota exceeded' : 'internal error'] } };
    const rel = decodeURIComponent(new URL(req.url ?? '/', 'http://fake').pathname.replace(/^\/v1\/?/, ''));
    if (this.aws && req.method === 'POST' && rel === `auth/${this.aws.mount ?? 'aws'}/login`) return this.#awsLogin(raw);
    if (req.method === 'POST' && rel === 'auth/token/renew-self') return this.#renewSelf(header(req, 'x-vault-token'));
    const issuedToken = this.issued.has(header(req, 'x-vault-token') ?? '');
    if (issuedToken && this.aws?.allowedPrefix && !rel.startsWith(this.aws.allowedPrefix)) return { status: 403, body: { errors: ['1 error occurred:\n\t* permission denied\n\n'] } };
    if (!this.#tokenValid(header(req, 'x-vault-token')) || (this.namespace !== undefined && namespace !== this.namespace)) {
      return { status: 403, body: { errors: ['permission denied'] } };
    }
    if (!route) return { status: 404, body: { errors: ['no handler for route'] } };
    const key = this.#key(namespace, route.mount, route.path);
    const method = req.method ?? 'GET';
    if (list && (method === 'GET' || method === 'LIST') && route.area === 'metadata') return this.#list(namespace, route);
    if (route.area === 'data') {
      if (method === 'GET') return this.#read(key, req.url ?? '');
      if (method === 'POST' || method === 'PUT') return this.#write(key, raw);
      if (method === 'DELETE') return this.#softDelete(key);
    } else {
      if (method === 'GET') return this.#metadata(key);
      if (method === 'DELETE') {
        this.#store.delete(key);
        return { status: 204 };
      }
    }
    return { status: 405, body: { errors: ['unsupported operation'] } };
  }

  #awsLogin(raw: string): Answer | Promise<Answer> {
    const aws = this.aws!;
    const refuse = (why: string): Answer => {
      this.lastLoginError = why;
      return { status: 400, body: { errors: [why] } };
    };
    let b: Record<string, unknown>;
    try {
      b = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      return refuse('error parsing JSON');
    }
    if (b.role !== aws.role) return refuse(`entry for role ${String(b.role)} not found`);
    const unb64 = (v: unknown) => (typeof v === 'string' ? Buffer.from(v, 'base64').toString('utf8') : '');
    const stsUrl = aws.stsUrl ?? 'https://sts.amazonaws.com/';
    const url = unb64(b.iam_request_url);
    const body = unb64(b.iam_request_body);
    if (b.iam_http_request_method !== 'POST' || url !== stsUrl) return refuse(`unexpected request ${String(b.iam_http_request_method)} ${url}`);
    if (body !== 'Action=GetCallerIdentity&Version=2011-06-15') return refuse('the signed request is not sts:GetCallerIdentity');
    let headers: Record<string, string>;
    try {
      const parsed = JSON.parse(unb64(b.iam_request_headers)) as Record<string, string | string[]>;
      headers = Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v.join(',') : v]));
    } catch {
      return refuse('iam_request_headers is not JSON');
    }
    const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/sts\/aws4_request, SignedHeaders=([a-z0-9;-]+), Signature=([0-9a-f]{64})$/.exec(headers.authorization ?? '');
    if (!m) return refuse('no SigV4 Authorization header');
    const [, keyId, , region, signedList, signature] = m;
    if (keyId !== aws.credentials.accessKeyId) return refuse('STS: InvalidClientTokenId');
    if (region !== (aws.stsRegion ?? 'us-east-1')) return refuse('STS: SignatureDoesNotMatch (region)');
    const date = headers['x-amz-date'] ?? '';
    const at = Date.parse(date.replace(/^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/, '$1-$2-$3T$4:$5:$6Z'));
    if (!Number.isFinite(at) || Math.abs(this.now() - at) > 15 * 60_000) return refuse('STS: Signature expired');
    const signed = signedList.split(';');
    if (aws.headerValue && (headers['x-vault-aws-iam-server-id'] !== aws.headerValue || !signed.includes('x-vault-aws-iam-server-id'))) {
      return refuse('expected X-Vault-AWS-IAM-Server-ID header to be signed');
    }
    return this.#verifyAndIssue(url, body, headers, signed, signature, date);
  }

  #verifyAndIssue(url: string, body: string, headers: Record<string, string>, signed: string[], signature: string, date: string): Answer | Promise<Answer> {
    const aws = this.aws!;
    const toSign = Object.fromEntries(signed.filter((h) => h !== 'host').map((h) => [h, headers[h] ?? '']));
    const signer = new AwsV4Signer({ method: 'POST', url, headers: toSign, body, accessKeyId: aws.credentials.accessKeyId, secretAccessKey: aws.credentials.secretAccessKey, service: 'sts', region: aws.stsRegion ?? 'us-east-1', datetime: date, allHeaders: true });
    return signer.sign().then((r) => {
      const expected = /Signature=([0-9a-f]{64})/.exec(r.headers.get('authorization') ?? '')?.[1];
      if (expected !== signature) {
        this.lastLoginError = 'STS: SignatureDoesNotMatch';
        return { status: 400, body: { errors: ['error making upstream request: received error code 403 from STS: SignatureDoesNotMatch'] } };
      }
      const token = `hvs.iam-${randomUUID()}`;
      const now = this.now();
      this.issued.set(token, { issuedAt: now, expiresAt: now + aws.ttlSeconds * 1000 });
      this.logins++;
      return { status: 200, body: { auth: { client_token: token, accessor: randomUUID(), policies: ['aurora'], lease_duration: aws.ttlSeconds, renewable: aws.renewable ?? true, metadata: { role: aws.role } } } };
    });
  }

  #renewSelf(token: string | undefined): Answer {
    const aws = this.aws;
    const t = token ? this.issued.get(token) : undefined;
    if (!aws || !t || this.now() >= t.expiresAt) return { status: 403, body: { errors: ['permission denied'] } };
    if (aws.renewable === false) return { status: 400, body: { errors: ['lease is not renewable'] } };
    const now = this.now();
    const max = aws.maxTtlSeconds === undefined ? Infinity : t.issuedAt + aws.maxTtlSeconds * 1000;
    t.expiresAt = Math.min(now + aws.ttlSeconds * 1000, max);
    this.renewals++;
    return { status: 200, body: { auth: { client_token: token, policies: ['aurora'], lease_duration: Math.floor((t.expiresAt - now) / 1000), renewable: true } } };
  }

  #read(key: string, rawUrl: string): Answer {
    const entry = this.#store.get(key);
    const wanted = Number(new URL(rawUrl, 'http://fake').searchParams.get('version') ?? '0');
    const n = wanted > 0 ? wanted : entry?.versions.length ?? 0;
    const v = entry?.versions[n - 1];
    if (!entry || !v) return { status: 404, body: { errors: [] } };
    const metadata = { created_time: v.created_time, custom_metadata: null, deletion_time: v.deletion_time, destroyed: v.destroyed, version: n };
    if (v.deletion_time || v.destroyed) return { status: 404, body: { data: { data: null, metadata } } };
    return { status: 200, body: { request_id: 'fake', lease_id: '', renewable: false, lease_duration: 0, data: { data: v.data, metadata } } };
  }

  #write(key: string, raw: string): Answer {
    let parsed: { data?: unknown };
    try {
      parsed = JSON.parse(raw) as { data?: unknown };
    } catch {
      return { status: 400, body: { errors: ['error parsing JSON'] } };
    }
    if (typeof parsed.data !== 'object' || parsed.data === null) return { status: 400, body: { errors: ['no data provided'] } };
    const now = new Date().toISOString();
    const entry = this.#store.get(key) ?? { versions: [], created_time: now, updated_time: now };
    entry.versions.push({ data: parsed.data as Record<string, unknown>, created_time: now, deletion_time: '', destroyed: false });
    entry.updated_time = now;
    this.#store.set(key, entry);
    return { status: 200, body: { data: { created_time: now, custom_metadata: null, deletion_time: '', destroyed: false, version: entry.versions.length } } };
  }

  #softDelete(key: string): Answer {
    const latest = this.#store.get(key)?.versions.at(-1);
    if (latest) latest.deletion_time = new Date().toISOString();
    return { status: 204 };
  }

  #metadata(key: string): Answer {
    const entry = this.#store.get(key);
    if (!entry) return { status: 404, body: { errors: [] } };
    const versions = Object.fromEntries(
      entry.versions.map((v, i) => [String(i + 1), { created_time: v.created_time, deletion_time: v.deletion_time, destroyed: v.destroyed }]),
    );
    return { status: 200, body: { data: { current_version: entry.versions.length, created_time: entry.created_time, updated_time: entry.updated_time, versions } } };
  }

  #list(namespace: string | undefined, route: Route): Answer {
    const dir = route.path === '' || route.path.endsWith('/') ? route.path : `${route.path}/`;
    const base = this.#key(namespace, route.mount, dir);
    const keys = new Set<string>();
    for (const key of this.#store.keys()) {
      if (!key.startsWith(base)) continue;
      const rest = key.slice(base.length);
      const slash = rest.indexOf('/');
      keys.add(slash === -1 ? rest : rest.slice(0, slash + 1));
    }
    if (keys.size === 0) return { status: 404, body: { errors: [] } };
    return { status: 200, body: { data: { keys: [...keys].sort() } } };
  }

  #route(rel: string): Route | undefined {
    for (const mount of this.mounts) {
      for (const area of ['data', 'metadata'] as const) {
        const head = `${mount}/${area}/`;
        if (rel.startsWith(head)) return { mount, area, path: rel.slice(head.length) };
      }
    }
    return undefined;
  }

  #key(namespace: string | undefined, mount: string, path: string): string {
    return `${namespace ?? ''}\u0000${mount}\u0000${path}`;
  }

  #delay(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.#timers.delete(t);
        resolve();
      }, ms);
      this.#timers.add(t);
    });
  }
}

interface Answer {
  status: number;
  body?: unknown;
}

export async function startFakeVault(opts: FakeVaultOptions = {}): Promise<FakeVault> {
  return new FakeVault(opts).start();
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
