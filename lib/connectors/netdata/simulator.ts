import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RunningSimulator, SimulatorStarter } from '../../local/simulator-types.ts';
import { FaultSwitch, listenLoopback, simStateFile } from '../../local/sim-kit.ts';

/**
 * Simulated Netdata Cloud (NETDATA_API_URL): GET /api/v2/spaces with a bearer API token (401
 * `{"errorMsgKey":"ErrUnauthenticated"}` for a token it does not know, 403 for one whose scope is
 * only grafana-plugin), and for the credential proxy a space's rooms and nodes (reads) and room
 * creation (a write). `configureWebhook()` does what saving a webhook configuration in the Cloud UI
 * does: the GET handshake with crc_token, checked against the challenge secret; `deliver()` then
 * sends a notification with the bearer token, as the webhook integration does.
 */
const tok = (seed: string) => `ndc.${createHash('sha256').update(seed).digest('base64url').slice(0, 40)}`;

export const NETDATA_FIXTURES = {
  /** a user in two spaces */
  multi: { token: tok('sim-netdata-multi'), spaces: [{ id: '5b1c2d3e-0000-4a4a-9b9b-000000000001', slug: 'aurora-sim', name: 'Aurora Sim' }, { id: '5b1c2d3e-0000-4a4a-9b9b-000000000002', slug: 'staging', name: 'Staging' }] },
  /** a user in one space */
  single: { token: tok('sim-netdata-single'), spaces: [{ id: '5b1c2d3e-0000-4a4a-9b9b-000000000003', slug: 'home-lab', name: 'Home Lab' }] },
  /** a token with scope:grafana-plugin only */
  pluginScoped: tok('sim-netdata-plugin'),
  unknownToken: tok('sim-netdata-nobody'),
};

const USERS = [
  { token: NETDATA_FIXTURES.multi.token, spaces: NETDATA_FIXTURES.multi.spaces },
  { token: NETDATA_FIXTURES.single.token, spaces: NETDATA_FIXTURES.single.spaces },
];

interface Hook {
  url: string;
  bearer: string;
}

interface State {
  revoked: string[];
  /** membership removed: `<token>/<spaceId>` */
  left: string[];
}

export interface NetdataSimulator extends RunningSimulator {
  url: string;
  requests: string[];
  fail(opts: { status?: number; delayMs?: number; times?: number; path?: RegExp }): void;
  reset(): void;
  setLatency(ms: number): void;
  revokeToken(t: string): void;
  restoreToken(t: string): void;
  /** the token's user leaves a space (or rejoins it) */
  leaveSpace(t: string, spaceId: string): void;
  rejoinSpace(t: string, spaceId: string): void;
  /** save a webhook configuration as the Cloud UI does: the handshake must pass; returns its id */
  configureWebhook(o: { url: string; bearer: string; challengeSecret: string }): Promise<{ ok: true; id: string } | { ok: false; status: number; body: string }>;
  deliver(hookId: string, payload: Record<string, unknown>): Promise<{ status: number; body: string }>;
  issuedSecrets(): string[];
}

/** An alert notification as the webhook integration sends it. */
export function alertNotification(over: Record<string, unknown> = {}) {
  return {
    message: 'web-1: disk / space utilization = 96.2%',
    alert: 'disk_space_usage',
    info: 'disk / space utilization',
    chart: 'disk_space._',
    context: 'disk.space',
    space: 'Aurora Sim',
    room: 'All nodes',
    node: 'web-1',
    family: '/',
    class: 'Utilization',
    severity: 'critical',
    date: new Date().toISOString(),
    duration: '1 minutes',
    additional_active_critical_alerts: 0,
    additional_active_warning_alerts: 1,
    alert_url: 'https://app.netdata.cloud/spaces/aurora-sim/rooms/all-nodes/alerts/1234',
    ...over,
  };
}

export const startNetdataSimulator: SimulatorStarter = async (opts) => {
  const store = simStateFile<State>(opts.stateDir, 'netdata');
  const saved = store.load();
  const revoked = new Set<string>(saved?.revoked ?? []);
  const left = new Set<string>(saved?.left ?? []);
  const persist = () => store.save({ revoked: [...revoked], left: [...left] });
  const hooks = new Map<string, Hook>();
  const faults = new FaultSwitch(opts.latencyMs ?? 0);
  const requests: string[] = [];

  const send = (res: ServerResponse, status: number, body?: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(body === undefined ? '' : JSON.stringify(body));
  };
  const readBody = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  };

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const path = url.pathname;
    const method = req.method ?? 'GET';
    requests.push(`${method} ${path}`);
    const faultStatus = await faults.apply(path, res);
    if (res.destroyed) return;
    if (faultStatus) return send(res, faultStatus, { errorMsgKey: 'ErrInternal' });
    const auth = String(req.headers.authorization ?? '');
    if (auth === `Bearer ${NETDATA_FIXTURES.pluginScoped}`) return send(res, 403, { errorMsgKey: 'ErrForbidden', errorMessage: 'token scope does not allow this endpoint' });
    const user = USERS.find((u) => auth === `Bearer ${u.token}` && !revoked.has(u.token));
    if (!user) return send(res, 401, { errorMsgKey: 'ErrUnauthenticated', errorMessage: 'unauthenticated' });
    const spaces = user.spaces.filter((s) => !left.has(`${user.token}/${s.id}`));
    if (path === '/api/v2/spaces' && method === 'GET') return send(res, 200, spaces.map((s) => ({ ...s, description: '', icon_url: '', permissions: ['space:ReadSettings'] })));
    const m = /^\/api\/v2\/spaces\/([^/]+)\/(rooms|nodes)$/.exec(path);
    const space = m && spaces.find((s) => s.id === m[1]);
    if (m && !space) return send(res, 404, { errorMsgKey: 'ErrSpaceNotFound' });
    if (m?.[2] === 'rooms' && method === 'GET') return send(res, 200, [{ id: 'r-all', slug: 'all-nodes', name: 'All nodes', node_count: 2 }]);
    if (m?.[2] === 'nodes' && method === 'GET') return send(res, 200, [{ id: 'n-web-1', name: 'web-1', state: 'reachable' }, { id: 'n-db-1', name: 'db-1', state: 'reachable' }]);
    if (m?.[2] === 'rooms' && method === 'POST') {
      const doc = JSON.parse((await readBody(req)) || '{}') as { name?: string };
      return send(res, 201, { id: `r-${randomBytes(4).toString('hex')}`, name: doc.name ?? 'room' });
    }
    return send(res, 404, { errorMsgKey: 'ErrNotFound' });
  }

  const { url, close } = await listenLoopback(
    async (req, res) => {
      await handle(req, res);
      persist();
    },
    { errorMsgKey: 'ErrInternal' },
  );

  const sim: NetdataSimulator = {
    name: 'netdata',
    url,
    env: { NETDATA_API_URL: url },
    requests,
    fail: (o) => faults.fail(o),
    reset: () => faults.reset(),
    setLatency: (ms) => faults.setLatency(ms),
    revokeToken: (t) => {
      revoked.add(t);
      persist();
    },
    restoreToken: (t) => {
      revoked.delete(t);
      persist();
    },
    leaveSpace: (t, s) => {
      left.add(`${t}/${s}`);
      persist();
    },
    rejoinSpace: (t, s) => {
      left.delete(`${t}/${s}`);
      persist();
    },
    async configureWebhook(o) {
      const crc = randomBytes(16).toString('hex');
      const u = new URL(o.url);
      u.searchParams.set('crc_token', crc);
      const r = await fetch(u, { method: 'GET' });
      const body = await r.text();
      let answer: unknown;
      try {
        answer = JSON.parse(body);
      } catch {
        answer = null;
      }
      const expected = `sha256=${createHmac('sha256', o.challengeSecret).update(crc).digest('base64')}`;
      if (r.status !== 200 || (answer as { response_token?: unknown } | null)?.response_token !== expected) return { ok: false, status: r.status, body };
      const id = randomBytes(6).toString('hex');
      hooks.set(id, { url: o.url, bearer: o.bearer });
      return { ok: true, id };
    },
    async deliver(hookId, payload) {
      const h = hooks.get(hookId);
      if (!h) throw new Error(`no webhook configuration ${hookId}`);
      const r = await fetch(h.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${h.bearer}`, 'user-agent': 'Netdata-Cloud' }, body: JSON.stringify(payload) });
      return { status: r.status, body: await r.text() };
    },
    issuedSecrets: () => [NETDATA_FIXTURES.multi.token, NETDATA_FIXTURES.single.token, NETDATA_FIXTURES.pluginScoped, NETDATA_FIXTURES.unknownToken],
    close,
  };
  return sim;
};
