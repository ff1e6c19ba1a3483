import { createHmac, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deps } from '../../lib/deps.ts';
import { routes } from '../../lib/http/routes.ts';
import { CONNECTORS } from '../../lib/connectors/index.ts';
import type { ConnectorDef } from '../../lib/connectors/kit/define.ts';
import { listAlerts } from '../../lib/alerts/store.ts';
import { DATADOG_FIXTURES } from '../../lib/connectors/datadog/simulator.ts';
import { PAGERDUTY_FIXTURES } from '../../lib/connectors/pagerduty/simulator.ts';
import { hmacSha256 } from '../../lib/webhooks/signatures.ts';
import { secret as secretValue } from '../../lib/secret-value.ts';
import { GRAFANA_FIXTURES } from '../../lib/connectors/grafana/simulator.ts';
import { NETDATA_FIXTURES } from '../../lib/connectors/netdata/simulator.ts';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime.ts';

/**
 * Fuzzing every webhook route of the table (each connector's delivery path, and its handshake
 * where it has one) against a live registration: random and malformed bodies, the real webhook id
 * or junk, the connection's real secret in the connector's own header or junk, huge and odd
 * header values. Property: never a 5xx, the error envelope on every 4xx, and nothing stored
 * unless the answer is 200.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 100);
const OWNER = 'webhook-fuzz-owner';

/** How each connector with a webhook is connected here, and how its deliveries carry the secret (some of the fuzz is signed). */
type Connect = { path: string; body: unknown } | ((rt: TestRuntime, user: string) => Promise<void>);
const FIXTURES: Record<string, { connect: Connect; sign: (secret: string, body: string) => Record<string, string> }> = {
  datadog: {
    connect: { path: '/datadog/connect', body: { api_key: DATADOG_FIXTURES.us1.apiKey, app_key: DATADOG_FIXTURES.us1.appKey } },
    sign: (secret) => ({ 'x-aurora-webhook-secret': secret }),
  },
  pagerduty: {
    connect: { path: '/pagerduty', body: { api_token: PAGERDUTY_FIXTURES.token } },
    sign: (secret, body) => ({ 'x-pagerduty-signature': `v1=${hmacSha256(secretValue(secret), body, 'hex')}` }),
  },
  github: {
    // OAuth: the login, the simulated consent page, the callback from the same browser
    connect: async (rt, user) => {
      const start = await rt.request('POST', '/github/login', { user, body: {} });
      const back = new URL((await fetch(start.body.oauth_url, { redirect: 'manual' })).headers.get('location')!);
      expect((await rt.request('GET', `${back.pathname}${back.search}`, { user: null })).status).toBe(302);
    },
    sign: (secret, body) => ({ 'x-hub-signature-256': `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`, 'x-github-event': 'workflow_run', 'x-github-delivery': randomUUID() }),
  },
  grafana: {
    connect: { path: '/grafana/connect', body: { api_token: GRAFANA_FIXTURES.cloud.editorToken, base_url: GRAFANA_FIXTURES.cloud.url } },
    sign: (secret, body) => {
      const ts = String(Math.floor(Date.now() / 1000));
      return { 'x-grafana-alerting-timestamp': ts, 'x-grafana-alerting-signature': createHmac('sha256', secret).update(`${ts}:${body}`).digest('hex') };
    },
  },
  netdata: {
    connect: { path: '/netdata/connect', body: { api_token: NETDATA_FIXTURES.single.token } },
    sign: (secret) => ({ authorization: `Bearer ${secret}` }),
  },
};

let rt: TestRuntime;
const hooks: Record<string, { id: string; secret: string }> = {};
beforeAll(async () => {
  rt = await startTestRuntime({ simulate: true });
  for (const c of (CONNECTORS as readonly ConnectorDef[]).filter((x) => x.webhook)) {
    const f = FIXTURES[c.id];
    expect(f, `a fuzz fixture for ${c.id}'s webhook`).toBeDefined();
    if (typeof f.connect === 'function') await f.connect(rt, OWNER);
    else expect((await rt.request('POST', f.connect.path, { user: OWNER, body: f.connect.body })).status).toBe(200);
    const s = await rt.request('GET', `/api/connectors/${c.id}/webhook`, { user: OWNER });
    hooks[c.id] = { id: s.body.webhook_id, secret: s.body.secret };
  }
});
afterAll(async () => rt.close());

const webhookRoutes = routes.filter((r) => /\.webhook(Challenge)?$/.test(r.id));

const junk = fc.oneof(fc.string(), fc.string({ unit: 'grapheme', maxLength: 40 }), fc.constant('x'.repeat(8000)), fc.constantFrom('', '\u0000', 'Bearer ', 'sha256=', '../../', '%00'));
const times = fc.oneof(fc.integer(), fc.constant(String(Date.now())), fc.constant(Date.now()), fc.constant(new Date().toISOString()), fc.constantFrom('$DATE', '', '1e309', '-1'));
const shaped = fc.dictionary(fc.constantFrom('id', 'title', 'date', 'last_updated', 'event', 'occurred_at', 'alerts', 'status', 'severity', 'alarm', 'message', '__proto__', 'action', 'workflow_run', 'alert', 'repository', 'constructor', 'fingerprint', 'startsAt', 'host'), fc.oneof(junk, times, fc.jsonValue()), { maxKeys: 8 });
const bodies = fc.oneof(shaped.map((o) => JSON.stringify(o)), fc.jsonValue().map((v) => JSON.stringify(v)), fc.string(), fc.constantFrom('{', '[]', 'null', '{"__proto__":{"polluted":true}}', '{"alerts":[{}]}', '{"alerts":"x"}'));

describe('fuzzing every webhook route', () => {
  it('has webhook routes to fuzz', () => expect(webhookRoutes.length).toBeGreaterThan(0));

  it.each(webhookRoutes.map((r) => [r.id, r] as const))('%s: never a 5xx, always the envelope, nothing stored unless accepted', async (_id, r) => {
    const connector = r.id.split('.')[0];
    const hook = hooks[connector];
    const sign = FIXTURES[connector].sign;
    await fc.assert(
      fc.asyncProperty(fc.boolean(), fc.boolean(), bodies, fc.dictionary(fc.constantFrom('x-aurora-webhook-secret', 'x-pagerduty-signature', 'authorization', 'x-grafana-alerting-signature', 'x-grafana-alerting-signature-timestamp', 'x-hub-signature-256', 'x-github-event', 'x-github-delivery', 'content-type', 'x-user-id', 'x-grafana-alerting-timestamp'), junk, { maxKeys: 4 }), fc.dictionary(fc.constantFrom('crc_token', 'userId', 'id'), junk, { maxKeys: 2 }), async (realId, signed, body, headers, query) => {
        const id = realId ? hook.id : 'x'.repeat(32);
        const before = (await listAlerts(deps(), OWNER, { limit: 100 })).alerts.length;
        const qs = new URLSearchParams(query as Record<string, string>).toString();
        const path = `${r.paths[0].replace('{id}', encodeURIComponent(id))}${qs ? `?${qs}` : ''}`;
        const sent: Record<string, string> = { 'content-type': 'application/json', ...Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, String(v).replace(/[^\t\x20-\x7e]/g, '')])), ...(signed ? sign(hook.secret, body) : {}) };
        delete sent['x-user-id'];
        const res = await rt.request(r.method, path, { user: null, rawBody: r.method === 'GET' ? undefined : body, headers: sent });
        if (res.status >= 500) throw new Error(`${r.method} ${path} → ${res.status}: ${res.text.slice(0, 300)} (body ${body.slice(0, 200)})`);
        if (res.status >= 400) {
          expect(typeof res.body?.error?.code).toBe('string');
          expect(typeof res.body?.error?.message).toBe('string');
          expect(res.text).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/);
          expect((await listAlerts(deps(), OWNER, { limit: 100 })).alerts.length).toBe(before);
        }
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      }),
      { numRuns: RUNS, seed: 11, endOnFailure: true },
    );
  });
});
