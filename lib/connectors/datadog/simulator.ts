import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RunningSimulator, SimulatorStarter } from '../../local/simulator-types.ts';
import { entries, FaultSwitch, listenLoopback, mapOf, simStateFile } from '../../local/sim-kit.ts';

/**
 * Simulated Datadog, one server for every site (`/<site>/…` stands for `https://api.<site>/…`, so
 * DATADOG_API_URL_TEMPLATE is `<url>/{site}`): key validation (GET /api/v1/validate), the current
 * user (GET /api/v2/current_user), the Webhooks integration (create, read, update, delete), and
 * enough of the API for the credential proxy: monitors (list, create), the v1 API key list (which
 * shows keys in full, as Datadog's does), logs search and metric queries. Keys work on their own
 * site only; Datadog answers `{"errors":["Forbidden"]}` with 403 otherwise. `deliver()` sends a
 * notification to a webhook the way Datadog does: the payload template rendered, the custom headers.
 */
const hex = (seed: string, n: number) => Buffer.from(seed.repeat(n)).toString('hex').slice(0, n);

export const DATADOG_FIXTURES = {
  us1: { site: 'datadoghq.com', apiKey: hex('sim-us1-api', 32), appKey: hex('sim-us1-app', 40), orgId: '6f1d4c2a-9b3e-4e5f-8a7b-1c2d3e4f5a6b', orgName: 'Aurora Sim (US1)', handle: 'ops@example.com' },
  eu: { site: 'datadoghq.eu', apiKey: hex('sim-eu1-api', 32), appKey: hex('sim-eu1-app', 40), orgId: '0a9b8c7d-6e5f-4a3b-9c2d-1e0f9a8b7c6d', orgName: 'Aurora Sim (EU)', handle: 'sre@example.eu' },
  /** an application key of the US1 organisation whose owner may read but not manage integrations */
  readOnlyAppKey: hex('sim-us1-ro', 40),
  /** well-formed keys nobody has */
  unknownApiKey: hex('sim-nope-api', 32),
  unknownAppKey: hex('sim-nope-app', 40),
};

interface Org {
  site: string;
  apiKey: string;
  orgId: string;
  orgName: string;
  appKeys: Array<{ key: string; handle: string; manageIntegrations: boolean }>;
}

interface Hook {
  name: string;
  url: string;
  payload: string | null;
  custom_headers: string | null;
  encode_as: 'json' | 'form';
}

interface State {
  /** `<orgId>/<name>` → webhook */
  webhooks: Array<[string, Hook]>;
  revoked: string[];
  monitors: number;
}

export interface DatadogSimulator extends RunningSimulator {
  url: string;
  fail(opts: { status?: number; delayMs?: number; times?: number; path?: RegExp }): void;
  reset(): void;
  setLatency(ms: number): void;
  /** a key stops working (deleted in Organization Settings); restoreKey undoes it */
  revokeKey(key: string): void;
  restoreKey(key: string): void;
  /** the webhooks of an organisation, as the integration holds them */
  webhooks(orgId: string): Hook[];
  /**
   * A monitor notification to the organisation's webhook `name`, as Datadog sends it: its payload
   * template with these variables rendered, its custom headers; the webhook's answer.
   */
  deliver(orgId: string, name: string, vars: Record<string, string>): Promise<{ status: number; body: string }>;
  /** every key of the fixtures (leak scans) */
  issuedSecrets(): string[];
  /** method and path of every request (never headers) */
  requests: string[];
}

const F = DATADOG_FIXTURES;
const ORGS: Org[] = [
  { site: F.us1.site, apiKey: F.us1.apiKey, orgId: F.us1.orgId, orgName: F.us1.orgName, appKeys: [{ key: F.us1.appKey, handle: F.us1.handle, manageIntegrations: true }, { key: F.readOnlyAppKey, handle: 'viewer@example.com', manageIntegrations: false }] },
  { site: F.eu.site, apiKey: F.eu.apiKey, orgId: F.eu.orgId, orgName: F.eu.orgName, appKeys: [{ key: F.eu.appKey, handle: F.eu.handle, manageIntegrations: true }] },
];
const MONITORS = [
  { id: 1001, name: 'CPU high on web', type: 'metric alert', query: 'avg(last_5m):avg:system.cpu.user{role:web} > 90', overall_state: 'OK' },
  { id: 1002, name: 'Checkout errors', type: 'log alert', query: 'logs("service:checkout status:error").index("*").rollup("count").last("5m") > 10', overall_state: 'Alert' },
];

/** $VARIABLES of a payload template, rendered inside its JSON strings. */
export function renderTemplate(template: string, vars: Record<string, string>): string {
  return template.replace(/\$([A-Z_]+)/g, (m, name: string) => (name in vars ? JSON.stringify(vars[name]).slice(1, -1) : m));
}

export const startDatadogSimulator: SimulatorStarter = async (opts) => {
  const store = simStateFile<State>(opts.stateDir, 'datadog');
  const saved = store.load();
  const webhooks = mapOf<string, Hook>(saved?.webhooks);
  const revoked = new Set<string>(saved?.revoked ?? []);
  let monitorSeq = saved?.monitors ?? 2000;
  const persist = () => store.save({ webhooks: entries(webhooks), revoked: [...revoked], monitors: monitorSeq });
  const faults = new FaultSwitch(opts.latencyMs ?? 0);
  const requests: string[] = [];

  const send = (res: ServerResponse, status: number, body?: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(body === undefined ? '' : JSON.stringify(body));
  };
  const forbidden = (res: ServerResponse) => send(res, 403, { errors: ['Forbidden'] });
  const readBody = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  };

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const m = /^\/([a-z0-9.-]+)(\/api\/.*)$/.exec(url.pathname);
    requests.push(`${req.method} ${url.pathname}`);
    const faultStatus = await faults.apply(url.pathname, res);
    if (res.destroyed) return;
    if (faultStatus) return send(res, faultStatus, { errors: ['Internal Server Error'] });
    if (!m) return send(res, 404, { errors: ['Not found'] });
    const [, site, path] = m;
    const apiKey = String(req.headers['dd-api-key'] ?? '');
    const org = ORGS.find((o) => o.site === site && o.apiKey === apiKey && !revoked.has(apiKey));
    if (!org) return forbidden(res);
    if (path === '/api/v1/validate' && req.method === 'GET') return send(res, 200, { valid: true });

    // everything else reads or changes the organisation: an application key of it is needed
    const appKey = String(req.headers['dd-application-key'] ?? '');
    const owner = org.appKeys.find((k) => k.key === appKey && !revoked.has(appKey));
    if (!owner) return forbidden(res);
    const method = req.method ?? 'GET';

    if (path === '/api/v2/current_user' && method === 'GET') {
      return send(res, 200, {
        data: {
          type: 'users',
          id: `user-${owner.handle}`,
          attributes: { name: owner.handle.split('@')[0], handle: owner.handle, email: owner.handle, status: 'Active', disabled: false, verified: true },
          relationships: { org: { data: { type: 'orgs', id: org.orgId } }, roles: { data: [] } },
        },
        included: [{ type: 'orgs', id: org.orgId, attributes: { name: org.orgName, public_id: org.orgId.slice(0, 12), sharing: 'Disabled', disabled: false } }],
      });
    }

    const hooksBase = '/api/v1/integration/webhooks/configuration/webhooks';
    if (path === hooksBase || path.startsWith(`${hooksBase}/`)) {
      if (!owner.manageIntegrations) return forbidden(res);
      const name = path === hooksBase ? undefined : decodeURIComponent(path.slice(hooksBase.length + 1));
      const body = method === 'POST' || method === 'PUT' ? await readBody(req) : '';
      let doc: Partial<Hook> = {};
      try {
        doc = body ? (JSON.parse(body) as Partial<Hook>) : {};
      } catch {
        return send(res, 400, { errors: ['Invalid JSON'] });
      }
      const k = (n: string) => `${org.orgId}/${n}`;
      if (!name && method === 'POST') {
        if (typeof doc.name !== 'string' || !/^[A-Za-z0-9_-]{1,100}$/.test(doc.name) || typeof doc.url !== 'string') return send(res, 400, { errors: ['name and url are required'] });
        if (webhooks.has(k(doc.name))) return send(res, 400, { errors: [`Webhook ${doc.name} already exists`] });
        const hook: Hook = { name: doc.name, url: doc.url, payload: doc.payload ?? null, custom_headers: doc.custom_headers ?? null, encode_as: doc.encode_as ?? 'json' };
        webhooks.set(k(doc.name), hook);
        return send(res, 200, hook);
      }
      if (!name) return send(res, 405, { errors: ['Method not allowed'] });
      const hook = webhooks.get(k(name));
      if (!hook) return send(res, 404, { errors: ['Webhook not found'] });
      if (method === 'GET') return send(res, 200, hook);
      if (method === 'PUT') {
        Object.assign(hook, Object.fromEntries(Object.entries(doc).filter(([f]) => ['url', 'payload', 'custom_headers', 'encode_as'].includes(f))));
        return send(res, 200, hook);
      }
      if (method === 'DELETE') {
        webhooks.delete(k(name));
        return send(res, 200);
      }
      return send(res, 405, { errors: ['Method not allowed'] });
    }

    if (path === '/api/v1/monitor' && method === 'GET') return send(res, 200, MONITORS);
    if (path === '/api/v1/monitor' && method === 'POST') {
      const doc = JSON.parse((await readBody(req)) || '{}') as Record<string, unknown>;
      return send(res, 200, { id: ++monitorSeq, overall_state: 'No Data', ...doc });
    }
    if (path === '/api/v1/api_key' && method === 'GET') {
      return send(res, 200, { api_keys: [{ key: org.apiKey, name: 'aurora', created: '2024-01-10 09:00:00', created_by: owner.handle }] });
    }
    if (path === '/api/v2/logs/events/search' && method === 'POST') {
      const doc = JSON.parse((await readBody(req)) || '{}') as { filter?: { query?: string } };
      return send(res, 200, {
        data: [{ id: 'AQAAAYsim1', type: 'log', attributes: { service: 'checkout', status: 'error', message: 'payment gateway timeout', timestamp: '2024-03-15T10:00:00.000Z', tags: ['env:prod'] } }],
        meta: { page: {}, status: 'done', request_id: 'sim', elapsed: 3 },
        links: {},
        query: doc.filter?.query ?? '*',
      });
    }
    if (path === '/api/v2/query/timeseries' && method === 'POST') {
      return send(res, 200, { data: { type: 'timeseries_response', attributes: { series: [{ query_index: 0, unit: [{ name: 'percent' }] }], times: [1710496800000, 1710496860000], values: [[41.5, 43.2]] } } });
    }
    return send(res, 404, { errors: ['Not found'] });
  }

  const { url, close } = await listenLoopback(
    async (req, res) => {
      await handle(req, res);
      persist();
    },
    { errors: ['Internal Server Error'] },
  );

  const sim: DatadogSimulator = {
    name: 'datadog',
    url,
    env: { DATADOG_API_URL_TEMPLATE: `${url}/{site}` },
    requests,
    fail: (o) => faults.fail(o),
    reset: () => faults.reset(),
    setLatency: (ms) => faults.setLatency(ms),
    revokeKey: (k) => {
      revoked.add(k);
      persist();
    },
    restoreKey: (k) => {
      revoked.delete(k);
      persist();
    },
    webhooks: (orgId) => [...webhooks.entries()].filter(([k]) => k.startsWith(`${orgId}/`)).map(([, h]) => h),
    async deliver(orgId, name, vars) {
      const hook = webhooks.get(`${orgId}/${name}`);
      if (!hook) throw new Error(`no webhook ${name} in ${orgId}`);
      const now = String(Date.now());
      const all = { ID: String(BigInt(`0x${randomBytes(6).toString('hex')}`)), DATE: now, LAST_UPDATED: now, ORG_ID: orgId, ORG_NAME: ORGS.find((o) => o.orgId === orgId)?.orgName ?? '', ...vars };
      const body = hook.payload === null ? JSON.stringify({ id: all.ID, date: all.DATE, last_updated: all.LAST_UPDATED, title: vars.EVENT_TITLE ?? '', body: vars.EVENT_MSG ?? '' }) : renderTemplate(hook.payload, all);
      const headers = { 'content-type': 'application/json', 'user-agent': 'Datadog/Webhooks', ...(hook.custom_headers ? (JSON.parse(hook.custom_headers) as Record<string, string>) : {}) };
      const r = await fetch(hook.url, { method: 'POST', headers, body });
      return { status: r.status, body: await r.text() };
    },
    issuedSecrets: () => [F.us1.apiKey, F.us1.appKey, F.eu.apiKey, F.eu.appKey, F.readOnlyAppKey, F.unknownApiKey, F.unknownAppKey],
    close,
  };
  return sim;
};
