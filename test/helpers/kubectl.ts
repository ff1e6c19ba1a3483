import WebSocket from 'ws';
import { deps, resetDeps, type Deps } from '../../lib/deps.ts';
import type { TestRuntime } from './runtime.ts';

/**
 * Helpers for the kubectl agent suites: an injectable clock over the runtime's deps, a raw
 * WebSocket "agent" that speaks the protocol by hand, and event waits (never sleeps).
 */

/** Replaces deps().now with a clock the test moves; everything else stays the runtime's. */
export function testClock(): { advance(ms: number): void; restore(): void; offset(): number } {
  const real = deps();
  let offset = 0;
  const d: Deps = {
    get config() {
      return real.config;
    },
    get db() {
      return real.db;
    },
    get secrets() {
      return real.secrets;
    },
    now: () => Date.now() + offset,
  };
  resetDeps(d);
  return { advance: (ms) => void (offset += ms), restore: () => resetDeps(real), offset: () => offset };
}

export const wsUrl = (rt: TestRuntime) => rt.url.replace(/^http/, 'ws') + '/kubectl-agent';

export async function createClusterToken(rt: TestRuntime, user: string, body: Record<string, unknown>) {
  const r = await rt.request('POST', '/api/kubectl/tokens', { user, body });
  if (r.status !== 200) throw new Error(`token creation answered ${r.status}: ${r.text}`);
  return r.body as { token: string; token_id: string; cluster_id: string; cluster_name: string; expires_at: string; install: { helm_command: string; values_yaml: string } };
}

/** A WebSocket opened with this token: resolves once open, or rejects with the HTTP status that refused it. */
export function openAgentSocket(url: string, token: string | undefined, headers: Record<string, string> = {}): Promise<RawAgent> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, { headers: { ...(token === undefined ? {} : { Authorization: `Bearer ${token}` }), ...headers } });
    const agent = new RawAgent(ws);
    ws.once('open', () => resolve(agent));
    ws.once('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (c) => (body += c));
      res.on('end', () => reject(Object.assign(new Error(`refused with ${res.statusCode}`), { status: res.statusCode, body })));
    });
    ws.once('error', (e) => reject(e));
  });
}

export class RawAgent {
  readonly ws: WebSocket;
  readonly received: Array<Record<string, unknown>> = [];
  closed?: { code: number; reason: string };
  #waiters: Array<() => void> = [];
  constructor(ws: WebSocket) {
    this.ws = ws;
    ws.on('message', (data) => {
      this.received.push(JSON.parse(data.toString()) as Record<string, unknown>);
      this.#wake();
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      this.#wake();
    });
  }
  #wake() {
    for (const w of this.#waiters.splice(0)) w();
  }
  send(message: unknown): void {
    this.ws.send(JSON.stringify(message));
  }
  /** the next received message matching, after those already seen */
  async next(pred: (m: Record<string, unknown>) => boolean, from = 0): Promise<Record<string, unknown>> {
    for (;;) {
      const hit = this.received.slice(from).find(pred);
      if (hit) return hit;
      if (this.closed) throw new Error(`socket closed (${this.closed.code}) before the message came`);
      await new Promise<void>((r) => this.#waiters.push(r));
    }
  }
  async type(type: string, from = 0) {
    return this.next((m) => m.type === type, from);
  }
  async untilClosed(): Promise<{ code: number; reason: string }> {
    while (!this.closed) await new Promise<void>((r) => this.#waiters.push(r));
    return this.closed;
  }
  close(code?: number) {
    this.ws.close(code);
  }
}

/** Polls `check` until it holds (an event we cannot subscribe to: a table write behind a route). */
export async function eventually<T>(check: () => Promise<T | undefined | false>, what: string, backstopMs = 20000): Promise<T> {
  const until = Date.now() + backstopMs;
  for (let delay = 10; ; delay = Math.min(200, delay * 2)) {
    const v = await check();
    if (v) return v;
    if (Date.now() > until) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, delay));
  }
}
