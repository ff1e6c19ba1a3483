import { createHash, createHmac, randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { RunningSimulator, SimulatorStarter } from '../../local/simulator-types.ts';
import { entries, FaultSwitch, listenLoopback, mapOf, simStateFile } from '../../local/sim-kit.ts';

/**
 * Simulated Grafana, one server for several instances (`/<instance>/…`): a Grafana Cloud stack
 * (`/aurora-sim` stands for https://aurora-sim.grafana.net, so GRAFANA_CLOUD_URL_TEMPLATE is
 * `<url>/{stack}`) and a self-hosted one (`<url>/onprem`, reached over plain http, which
 * GRAFANA_ALLOW_HTTP_HOSTS allows for the simulator only). It speaks what we call: GET /api/org
 * with a bearer service-account token (401 `{"message":"Invalid API key"}` otherwise), the
 * provisioning API's webhook contact points (Editor only; secure settings read back redacted), and
 * for the credential proxy the datasource list, datasource queries (POST /api/ds/query), dashboard
 * search and dashboard saves. `deliver()` notifies a contact point as Grafana's webhook integration
 * does: the alert group as JSON, signed with its hmacConfig.
 */
const token = (seed: string) => {
  const h = createHash('sha256').update(seed).digest();
  const body = h.toString('base64').replace(/[^A-Za-z0-9]/g, '').padEnd(32, 'x').slice(0, 32);
  return `glsa_${body}_${createHash('sha256').update(body).digest('hex').slice(0, 8)}`;
};

export const GRAFANA_FIXTURES = {
  cloud: { url: 'https://aurora-sim.grafana.net', instance: 'aurora-sim', orgId: 1, orgName: 'Aurora Sim', editorToken: token('sim-grafana-cloud-editor'), viewerToken: token('sim-grafana-cloud-viewer') },
  /** the self-hosted instance lives at `<simulator url>/onprem` */
  onprem: { instance: 'onprem', orgId: 3, orgName: 'Platform', editorToken: token('sim-grafana-onprem-editor') },
  /** a well-formed token nobody has */
  unknownToken: token('sim-grafana-nobody'),
};

interface Instance {
  name: string;
  orgId: number;
  orgName: string;
  tokens: Array<{ token: string; role: 'Viewer' | 'Editor' }>;
}

const INSTANCES: Instance[] = [
  { name: GRAFANA_FIXTURES.cloud.instance, orgId: 1, orgName: GRAFANA_FIXTURES.cloud.orgName, tokens: [{ token: GRAFANA_FIXTURES.cloud.editorToken, role: 'Editor' }, { token: GRAFANA_FIXTURES.cloud.viewerToken, role: 'Viewer' }] },
  { name: GRAFANA_FIXTURES.onprem.instance, orgId: 3, orgName: GRAFANA_FIXTURES.onprem.orgName, tokens: [{ token: GRAFANA_FIXTURES.onprem.editorToken, role: 'Editor' }] },
];

export interface ContactPoint {
  uid: string;
  name: string;
  type: string;
  settings: Record<string, unknown> & { url?: string; hmacConfig?: { secret?: string; header?: string; timestampHeader?: string } };
  disableResolveMessage?: boolean;
}

interface State {
  /** `<instance>/<uid>` → contact point */
  contactPoints: Array<[string, ContactPoint]>;
  revoked: string[];
}

export interface GrafanaSimulator extends RunningSimulator {
  url: string;
  requests: string[];
  fail(opts: { status?: number; delayMs?: number; times?: number; path?: RegExp }): void;
  reset(): void;
  setLatency(ms: number): void;
  /** a token stops working (deleted in Administration → Service accounts); restoreToken undoes it */
  revokeToken(t: string): void;
  restoreToken(t: string): void;
  contactPoints(instance: string): ContactPoint[];
  /** notify a contact point the way Grafana does; `at` overrides the signed timestamp (seconds) */
  deliver(instance: string, uid: string, alerts: Array<Record<string, unknown>>, opts?: { at?: number }): Promise<{ status: number; body: string }>;
  issuedSecrets(): string[];
}

/** Grafana's webhook body for a group of alerts (its default payload, version 1). */
export function notification(alerts: Array<Record<string, unknown>>, receiver: string) {
  const firing = alerts.filter((a) => a.status !== 'resolved').length;
  return {
    receiver,
    status: firing ? 'firing' : 'resolved',
    orgId: 1,
    alerts,
    groupLabels: { alertname: String((alerts[0]?.labels as Record<string, unknown> | undefined)?.alertname ?? '') },
    commonLabels: {},
    commonAnnotations: {},
    externalURL: 'https://aurora-sim.grafana.net/',
    version: '1',
    groupKey: `{}:{alertname="${String((alerts[0]?.labels as Record<string, unknown> | undefined)?.alertname ?? '')}"}`,
    truncatedAlerts: 0,
    title: `[${firing ? `FIRING:${firing}` : 'RESOLVED'}]`,
    state: firing ? 'alerting' : 'ok',
    message: '',
  };
}

export const startGrafanaSimulator: SimulatorStarter = async (opts) => {
  const store = simStateFile<State>(opts.stateDir, 'grafana');
  const saved = store.load();
  const contactPoints = mapOf<string, ContactPoint>(saved?.contactPoints);
  const revoked = new Set<string>(saved?.revoked ?? []);
  const persist = () => store.save({ contactPoints: entries(contactPoints), revoked: [...revoked] });
  const faults = new FaultSwitch(opts.latencyMs ?? 0);
  const requests: string[] = [];

  const send = (res: ServerResponse, status: number, body?: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json', 'x-content-type-options': 'nosniff' });
    res.end(body === undefined ? '' : JSON.stringify(body));
  };
  const readBody = async (req: IncomingMessage) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  };
  const denied = (res: ServerResponse, action: string) => send(res, 403, { accessErrorId: `ACE${randomBytes(5).toString('hex')}`, message: `You'll need additional permissions to perform this action. Permissions needed: ${action}`, title: 'Access denied' });
  const redacted = (cp: ContactPoint): ContactPoint => ({ ...cp, settings: { ...cp.settings, ...(cp.settings.hmacConfig ? { hmacConfig: { ...cp.settings.hmacConfig, secret: '[REDACTED]' } } : {}) } });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    requests.push(`${req.method} ${url.pathname}`);
    const faultStatus = await faults.apply(url.pathname, res);
    if (res.destroyed) return;
    if (faultStatus) return send(res, faultStatus, { message: 'Internal Server Error' });
    const m = /^\/([a-z0-9-]+)(\/api\/.*)$/.exec(url.pathname);
    const inst = m && INSTANCES.find((i) => i.name === m[1]);
    if (!m || !inst) return send(res, 404, { message: 'Not found' });
    const path = m[2];
    const method = req.method ?? 'GET';
    if (path === '/api/health' && method === 'GET') return send(res, 200, { database: 'ok', version: '11.6.0', commit: 'sim' });
    const auth = String(req.headers.authorization ?? '');
    const who = inst.tokens.find((t) => auth === `Bearer ${t.token}` && !revoked.has(t.token));
    if (!who) return send(res, 401, { message: 'Invalid API key', traceID: '' });

    if (path === '/api/org' && method === 'GET') return send(res, 200, { id: inst.orgId, name: inst.orgName, address: { address1: '', address2: '', city: '', zipCode: '', state: '', country: '' } });

    const cpBase = '/api/v1/provisioning/contact-points';
    if (path === cpBase || path.startsWith(`${cpBase}/`)) {
      const uid = path === cpBase ? undefined : decodeURIComponent(path.slice(cpBase.length + 1));
      const k = (u: string) => `${inst.name}/${u}`;
      if (!uid && method === 'GET') return send(res, 200, [...contactPoints.entries()].filter(([key]) => key.startsWith(`${inst.name}/`)).map(([, cp]) => redacted(cp)));
      if (who.role !== 'Editor') return denied(res, 'alert.notifications:write');
      let doc: Partial<ContactPoint> = {};
      try {
        const raw = await readBody(req);
        doc = raw ? (JSON.parse(raw) as Partial<ContactPoint>) : {};
      } catch {
        return send(res, 400, { message: 'bad request data' });
      }
      const valid = (d: Partial<ContactPoint>) => typeof d.name === 'string' && d.name !== '' && d.type === 'webhook' && typeof d.settings?.url === 'string';
      if (!uid && method === 'POST') {
        if (!valid(doc)) return send(res, 400, { message: 'invalid object specification: name, type and settings.url are required' });
        const cp: ContactPoint = { uid: doc.uid ?? randomBytes(7).toString('hex'), name: doc.name!, type: 'webhook', settings: doc.settings!, disableResolveMessage: doc.disableResolveMessage ?? false };
        if (contactPoints.has(k(cp.uid))) return send(res, 409, { message: 'contact point with this uid already exists' });
        contactPoints.set(k(cp.uid), cp);
        return send(res, 202, redacted(cp));
      }
      if (!uid) return send(res, 405, { message: 'Method not allowed' });
      const cp = contactPoints.get(k(uid));
      if (method === 'PUT') {
        if (!cp) return send(res, 404, { message: 'contact point not found' });
        if (!valid(doc)) return send(res, 400, { message: 'invalid object specification' });
        Object.assign(cp, { name: doc.name, settings: doc.settings, disableResolveMessage: doc.disableResolveMessage ?? false });
        return send(res, 202, redacted(cp));
      }
      if (method === 'DELETE') {
        contactPoints.delete(k(uid));
        return send(res, 202, { message: 'contactpoint deleted' });
      }
      return send(res, 405, { message: 'Method not allowed' });
    }

    if (path === '/api/datasources' && method === 'GET') {
      return send(res, 200, [{ id: 1, uid: 'prom-sim', orgId: inst.orgId, name: 'Prometheus', type: 'prometheus', access: 'proxy', url: 'http://prometheus:9090', isDefault: true, readOnly: false }]);
    }
    if (path === '/api/ds/query' && method === 'POST') {
      const doc = JSON.parse((await readBody(req)) || '{}') as { queries?: Array<{ refId?: string; expr?: string }> };
      const results = Object.fromEntries((doc.queries ?? [{ refId: 'A' }]).map((q) => [q.refId ?? 'A', { status: 200, frames: [{ schema: { refId: q.refId ?? 'A', fields: [{ name: 'Time', type: 'time' }, { name: 'Value', type: 'number', labels: { job: 'web' } }] }, data: { values: [[1710496800000, 1710496860000], [0.42, 0.47]] } }] }]));
      return send(res, 200, { results });
    }
    if (path === '/api/search' && method === 'GET') {
      // Grafana renews the browser session on API reads too; a proxy must not hand that cookie on
      res.setHeader('set-cookie', `grafana_session=${randomBytes(16).toString('hex')}; Path=/; HttpOnly`);
      const limit = Math.min(Number(url.searchParams.get('limit') ?? 1) || 1, 5000);
      return send(res, 200, Array.from({ length: limit }, (_, i) => ({ id: 7 + i, uid: i ? `dash-${i}` : 'web-overview', title: i ? `Dashboard ${i}` : 'Web overview', type: 'dash-db', url: `/d/${i ? `dash-${i}` : 'web-overview'}`, tags: ['web'] })));
    }
    if (path === '/api/dashboards/db' && method === 'POST') {
      if (who.role !== 'Editor') return denied(res, 'dashboards:write');
      await readBody(req);
      return send(res, 200, { id: 8, uid: randomBytes(5).toString('hex'), status: 'success', version: 1 });
    }
    return send(res, 404, { message: 'Not found' });
  }

  const { url, close } = await listenLoopback(
    async (req, res) => {
      await handle(req, res);
      persist();
    },
    { message: 'Internal Server Error' },
  );

  const sim: GrafanaSimulator = {
    name: 'grafana',
    url,
    env: { GRAFANA_CLOUD_URL_TEMPLATE: `${url}/{stack}`, GRAFANA_ALLOW_HTTP_HOSTS: new URL(url).host },
    hint: () => `Simulated Grafana: Cloud stack ${GRAFANA_FIXTURES.cloud.url}, self-hosted ${url}/onprem (tokens: the README walkthrough)`,
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
    contactPoints: (instance) => [...contactPoints.entries()].filter(([k]) => k.startsWith(`${instance}/`)).map(([, cp]) => cp),
    async deliver(instance, uid, alerts, o = {}) {
      const cp = contactPoints.get(`${instance}/${uid}`);
      if (!cp?.settings.url) throw new Error(`no contact point ${uid} in ${instance}`);
      const body = JSON.stringify(notification(alerts, cp.name));
      const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'Grafana' };
      const h = cp.settings.hmacConfig;
      if (h?.secret) {
        const mac = createHmac('sha256', h.secret);
        if (h.timestampHeader) {
          const ts = String(o.at ?? Math.floor(Date.now() / 1000));
          headers[h.timestampHeader] = ts;
          mac.update(`${ts}:`);
        }
        headers[h.header || 'X-Grafana-Alerting-Signature'] = mac.update(body).digest('hex');
      }
      const r = await fetch(cp.settings.url, { method: 'POST', headers, body });
      return { status: r.status, body: await r.text() };
    },
    issuedSecrets: () => [GRAFANA_FIXTURES.cloud.editorToken, GRAFANA_FIXTURES.cloud.viewerToken, GRAFANA_FIXTURES.onprem.editorToken, GRAFANA_FIXTURES.unknownToken],
    close,
  };
  return sim;
};
