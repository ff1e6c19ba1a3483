import type { IncomingMessage, ServerResponse } from 'node:http';
import { listenLoopback } from '../../lib/local/sim-kit.ts';

/**
 * A small HashiCorp Vault speaking the KV v2 HTTP API on 127.0.0.1: data/metadata paths, versions,
 * soft delete, metadata delete, list (GET ?list=true; Node's HTTP parser cannot receive the LIST
 * verb), token check (403), namespaces (X-Vault-Namespace), and switches to inject failures and latency.
 */
export interface FakeVaultOptions {
  token?: string;
  mounts?: string[];
  /** when set, the token only works in this namespace (as a namespaced token does) */
  namespace?: string;
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
    const answer = this.#answer(req, route, namespace, list, body);
    this.requests.push({ method: req.method ?? '', path: rel, area: route?.area, namespace, list, status: answer.status });
    res.writeHead(answer.status, answer.body === undefined ? {} : { 'content-type': 'application/json' });
    res.end(answer.body === undefined ? undefined : JSON.stringify(answer.body));
  }

  #answer(req: IncomingMessage, route: Route | undefined, namespace: string | undefined, list: boolean, raw: string): Answer {
    const injected = this.#failNext.shift() ?? this.failAll;
    if (injected) return { status: injected, body: { errors: [injected === 429 ? 'rate limit quota exceeded' : 'internal error'] } };
    if (header(req, 'x-vault-token') !== this.token || (this.namespace !== undefined && namespace !== this.namespace)) {
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
