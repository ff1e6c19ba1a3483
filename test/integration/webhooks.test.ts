import { request as httpRequest } from 'node:http';
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deps } from '../../lib/deps.ts';
import { setRetryDelayScale } from '../../lib/provider-http.ts';
import { listAlerts } from '../../lib/alerts/store.ts';
import { DATADOG_FIXTURES as F, type DatadogSimulator } from '../../lib/connectors/datadog/simulator.ts';
import { webhookName } from '../../lib/connectors/datadog/webhook.ts';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime.ts';

/**
 * The webhook framework (lib/webhooks/) through its first user, Datadog: per-connection ids and
 * secrets, what to configure, creation through Datadog's API, verification, the replay window,
 * deduplication, and every refusal answering 401 with nothing stored.
 */
let rt: TestRuntime;
let sim: DatadogSimulator;
const us1 = { api_key: F.us1.apiKey, app_key: F.us1.appKey };
const HEADER = 'x-aurora-webhook-secret';

const alertsOf = async (user: string) => (await listAlerts(deps(), user, { limit: 100 })).alerts;
const setup = async (user: string) => {
  const r = await rt.request('GET', '/datadog/webhook-url', { user });
  expect(r.status, r.text).toBe(200);
  return r.body as { url: string; secret: string; webhook_id: string; headers: Record<string, string>; settings: Record<string, string>; steps: string[]; created_in_tool: boolean };
};
const connected = async (user: string, body: Record<string, unknown> = us1) => expect((await rt.request('POST', '/datadog/connect', { user, body })).status).toBe(200);

/** A delivery as Datadog would send it with our payload template; `at` is its $LAST_UPDATED. */
function payload(over: Record<string, unknown> = {}, at = Date.now()) {
  return JSON.stringify({ id: `evt-${randomBytes(4).toString('hex')}`, event_type: 'query_alert_monitor', title: '[Triggered] CPU high on web', date: String(at), last_updated: String(at), alert_type: 'error', alert_transition: 'Triggered', priority: 'P2', link: 'https://app.datadoghq.com/monitors/1001', ...over });
}
const post = (path: string, body: string, headers: Record<string, string> = {}) => rt.request('POST', path, { user: null, rawBody: body, headers: { 'content-type': 'application/json', ...headers } });

beforeAll(async () => {
  setRetryDelayScale(0.001);
  rt = await startTestRuntime({ simulate: true, env: { WEBHOOK_REPLAY_WINDOW_SECONDS: '300' } });
  sim = rt.runtime.simulators.find((s) => s.name === 'datadog') as DatadogSimulator;
});
afterEach(() => sim.reset());
afterAll(async () => {
  await rt.close();
  setRetryDelayScale(1);
});

describe('what to configure in Datadog', () => {
  it('a per-connection unguessable id (never the user id) and secret, the exact URL, header, payload and steps; not cached', async () => {
    await connected('wh-setup');
    const r = await rt.request('GET', '/datadog/webhook-url', { user: 'wh-setup' });
    expect(r.headers.get('cache-control')).toBe('no-store');
    const s = r.body;
    expect(s.webhook_id).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(s.url).toBe(`${rt.url.replace('127.0.0.1', 'localhost')}/datadog/webhook/${s.webhook_id}`);
    expect(s.url).not.toContain('wh-setup');
    expect(s.secret.length).toBeGreaterThanOrEqual(40);
    expect(s.headers).toEqual({ 'X-Aurora-Webhook-Secret': s.secret });
    expect(JSON.parse(s.settings.payload)).toMatchObject({ id: '$ID', last_updated: '$LAST_UPDATED' });
    expect(s.steps.join(' ')).toContain(`@webhook-${webhookName(s.webhook_id)}`);
    expect(s).toMatchObject({ connector: 'datadog', account_id: F.us1.orgId, method: 'POST', created_in_tool: false, create_path: '/api/connectors/datadog/webhook' });
    // asking again gives the same webhook; another user's connection to the same organisation gets its own
    expect((await setup('wh-setup')).webhook_id).toBe(s.webhook_id);
    await connected('wh-setup-2');
    const other = await setup('wh-setup-2');
    expect(other.webhook_id).not.toBe(s.webhook_id);
    expect(other.secret).not.toBe(s.secret);
    // the generic path answers the same
    expect((await rt.request('GET', '/api/connectors/datadog/webhook', { user: 'wh-setup' })).body.webhook_id).toBe(s.webhook_id);
  });

  it('two concurrent first asks end with one webhook', async () => {
    await connected('wh-race');
    const [a, b] = await Promise.all([setup('wh-race'), setup('wh-race')]);
    expect(a.webhook_id).toBe(b.webhook_id);
    expect(a.secret).toBe(b.secret);
  });

  it('not connected → 404; an account_id that is not the caller\'s → 404', async () => {
    const none = await rt.request('GET', '/datadog/webhook-url', { user: 'wh-nobody' });
    expect(none.status).toBe(404);
    await connected('wh-acct');
    const r = await rt.request('GET', `/datadog/webhook-url?account_id=${F.eu.orgId}`, { user: 'wh-acct' });
    expect(r.status).toBe(404);
    expect(r.body.error.field).toBe('account_id');
  });
});

describe('creating the webhook through Datadog\'s Webhooks integration API', () => {
  it('creates it with our URL, payload and secret header; the secret is not shown any more; a second call updates it', async () => {
    await connected('wh-create');
    const before = await setup('wh-create');
    const c = await rt.request('POST', '/api/connectors/datadog/webhook', { user: 'wh-create', body: {} });
    expect(c.status, c.text).toBe(200);
    expect(c.body).toMatchObject({ created_in_tool: true, secret: null, remote_name: webhookName(before.webhook_id), url: before.url });
    expect(c.text).not.toContain(before.secret);
    const hook = sim.webhooks(F.us1.orgId).find((h) => h.name === webhookName(before.webhook_id))!;
    expect(hook).toMatchObject({ url: before.url, encode_as: 'json' });
    expect(JSON.parse(hook.custom_headers!)).toEqual({ 'X-Aurora-Webhook-Secret': before.secret });
    expect(JSON.parse(hook.payload!)).toMatchObject({ id: '$ID' });
    const again = await setup('wh-create');
    expect(again).toMatchObject({ created_in_tool: true, secret: null, webhook_id: before.webhook_id });
    expect(JSON.stringify(again)).not.toContain(before.secret);
    expect((await rt.request('POST', '/api/connectors/datadog/webhook', { user: 'wh-create', body: {} })).status).toBe(200);
    expect(sim.webhooks(F.us1.orgId).filter((h) => h.name === webhookName(before.webhook_id))).toHaveLength(1);

    // and Datadog's own delivery of a monitor notification is verified and stored
    const d = await sim.deliver(F.us1.orgId, webhookName(before.webhook_id), { ID: '7001', EVENT_TITLE: '[Triggered] Checkout errors', ALERT_TYPE: 'error', ALERT_TRANSITION: 'Triggered', ALERT_PRIORITY: 'P1', LINK: 'https://app.datadoghq.com/monitors/1002' });
    expect(d.status).toBe(200);
    expect(JSON.parse(d.body)).toEqual({ received: 1, stored: 1, duplicates: 0 });
    expect(await alertsOf('wh-create')).toEqual([
      expect.objectContaining({ connector: 'datadog', account_id: F.us1.orgId, event_id: '7001', type: 'monitor', severity: 'critical', title: '[Triggered] Checkout errors', status: 'triggered', url: 'https://app.datadoghq.com/monitors/1002' }),
    ]);
  });

  it('an application key that may not manage integrations → 403 saying so; the setup stays available', async () => {
    await connected('wh-ro', { ...us1, app_key: F.readOnlyAppKey });
    const c = await rt.request('POST', '/api/connectors/datadog/webhook', { user: 'wh-ro', body: {} });
    expect(c.status).toBe(403);
    expect(c.body.error.message).toMatch(/may not manage webhooks/);
    expect((await setup('wh-ro')).created_in_tool).toBe(false);
  });

  it('Datadog down → 503, nothing recorded as created', async () => {
    await connected('wh-down');
    sim.fail({ status: 503, path: /webhooks/ });
    expect((await rt.request('POST', '/api/connectors/datadog/webhook', { user: 'wh-down', body: {} })).status).toBe(503);
    sim.reset();
    expect((await setup('wh-down')).created_in_tool).toBe(false);
  });
});

describe('deliveries', () => {
  it('a correctly signed delivery is stored once even when delivered three times', async () => {
    await connected('wh-dup');
    const s = await setup('wh-dup');
    const body = payload({ id: '42' });
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await post(new URL(s.url).pathname, body, { [HEADER]: s.secret }));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(answers.map((a) => a.body)).toEqual([
      { received: 1, stored: 1, duplicates: 0 },
      { received: 1, stored: 0, duplicates: 1 },
      { received: 1, stored: 0, duplicates: 1 },
    ]);
    const alerts = await alertsOf('wh-dup');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ event_id: '42', severity: 'error', status: 'triggered', type: 'query_alert_monitor' });
    // a recovery of the same monitor is another event
    expect((await post(new URL(s.url).pathname, payload({ id: '43', title: '[Recovered] CPU high on web', alert_transition: 'Recovered', alert_type: 'success' }), { [HEADER]: s.secret })).body.stored).toBe(1);
    expect((await alertsOf('wh-dup'))[0]).toMatchObject({ event_id: '43', status: 'resolved', severity: 'info' });
  });

  it('unsigned, wrongly signed, replayed after the window, from the future, or to a wrong id → 401, nothing stored', async () => {
    await connected('wh-refuse');
    const s = await setup('wh-refuse');
    await connected('wh-refuse-2');
    const other = await setup('wh-refuse-2');
    const path = new URL(s.url).pathname;
    const late = Date.now() - 301_000;
    const cases: Array<[string, Promise<{ status: number; body: any }>]> = [
      ['unsigned', post(path, payload())],
      ['empty header', post(path, payload(), { [HEADER]: '' })],
      ['wrong secret', post(path, payload(), { [HEADER]: `${s.secret.slice(0, -1)}x` })],
      ['secret as a prefix', post(path, payload(), { [HEADER]: `${s.secret}x` })],
      ['another connection\'s secret', post(path, payload(), { [HEADER]: other.secret })],
      ['replayed after the window', post(path, payload({}, late), { [HEADER]: s.secret })],
      ['from beyond the window ahead', post(path, payload({}, Date.now() + 301_000), { [HEADER]: s.secret })],
      ['no date at all', post(path, JSON.stringify({ id: 'nodate', title: 'x' }), { [HEADER]: s.secret })],
      ['unknown id', post(`/datadog/webhook/${randomBytes(24).toString('base64url')}`, payload(), { [HEADER]: s.secret })],
      ['malformed id', post('/datadog/webhook/not-an-id', payload(), { [HEADER]: s.secret })],
      ['user id as id', post('/datadog/webhook/wh-refuse', payload(), { [HEADER]: s.secret })],
    ];
    for (const [label, p] of cases) {
      const r = await p;
      expect(r.status, label).toBe(401);
      expect(r.body.error, label).toEqual({ code: 'webhook_unauthorized', message: 'Webhook delivery not authenticated' });
    }
    expect(await alertsOf('wh-refuse')).toEqual([]);
    expect(rt.logs.some((l) => l.includes('outside the replay window'))).toBe(true);
    expect(rt.logs.filter((l) => l.includes('webhook delivery refused')).some((l) => l.includes(s.secret))).toBe(false);
  });

  it("another user's webhook id cannot post into this user's alerts, nor this user's secret into theirs", async () => {
    await connected('wh-alice');
    await connected('wh-mallory');
    const alice = await setup('wh-alice');
    const mallory = await setup('wh-mallory');
    // Mallory knows Alice's URL but only her own secret
    expect((await post(new URL(alice.url).pathname, payload({ id: 'x1' }), { [HEADER]: mallory.secret })).status).toBe(401);
    // and her own id with Alice's secret does not move anything into Alice's alerts either
    expect((await post(new URL(mallory.url).pathname, payload({ id: 'x2' }), { [HEADER]: alice.secret })).status).toBe(401);
    expect(await alertsOf('wh-alice')).toEqual([]);
    expect(await alertsOf('wh-mallory')).toEqual([]);
    // her own delivery lands in her own alerts only
    expect((await post(new URL(mallory.url).pathname, payload({ id: 'x3' }), { [HEADER]: mallory.secret })).status).toBe(200);
    expect((await alertsOf('wh-mallory')).map((a) => a.event_id)).toEqual(['x3']);
    expect(await alertsOf('wh-alice')).toEqual([]);
  });

  it('a signed but malformed body → 400 with nothing stored; an oversized one → 413', async () => {
    await connected('wh-bad');
    const s = await setup('wh-bad');
    const path = new URL(s.url).pathname;
    const now = String(Date.now());
    expect((await post(path, JSON.stringify({ date: now, title: 'no id' }), { [HEADER]: s.secret })).status).toBe(400);
    expect((await post(path, JSON.stringify([1, 2]), { [HEADER]: s.secret })).status).toBe(401);
    expect((await post(path, 'x'.repeat(300_000), { [HEADER]: s.secret })).status).toBe(413);
    expect(await alertsOf('wh-bad')).toEqual([]);
  });

  it('a soft-disconnected connection refuses deliveries; reconnected, it takes them again; after disconnect its id is dead', async () => {
    await connected('wh-pause');
    const s = await setup('wh-pause');
    const path = new URL(s.url).pathname;
    const del = await rt.request('DELETE', '/api/user_connections', { user: 'wh-pause', body: { provider: 'datadog', account_id: F.us1.orgId } });
    expect(del.status).toBe(200);
    expect((await post(path, payload(), { [HEADER]: s.secret })).status).toBe(401);
    expect((await rt.request('POST', '/api/connectors/datadog/reconnect', { user: 'wh-pause', body: { account_id: F.us1.orgId } })).body.status).toBe('connected');
    expect((await post(path, payload(), { [HEADER]: s.secret })).status).toBe(200);
    expect((await rt.request('POST', '/datadog/disconnect', { user: 'wh-pause' })).status).toBe(200);
    expect((await post(path, payload(), { [HEADER]: s.secret })).status).toBe(401);
    // a new connection gets a new id and secret
    await connected('wh-pause');
    const fresh = await setup('wh-pause');
    expect(fresh.webhook_id).not.toBe(s.webhook_id);
    expect(fresh.secret).not.toBe(s.secret);
  });

  it('answers without any outbound call to the tool (or anywhere else) before answering', async () => {
    await connected('wh-quiet');
    const s = await setup('wh-quiet');
    const seen = sim.requests.length;
    const outbound: string[] = [];
    const real = globalThis.fetch;
    globalThis.fetch = (async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
      const url = String(input instanceof Request ? input.url : input);
      if (!url.startsWith(rt.url)) outbound.push(url);
      return real(input, init);
    }) as typeof fetch;
    try {
      // raw HTTP, so the test's own request is not counted either way
      const status = await new Promise<number>((ok, fail) => {
        const u = new URL(s.url.replace('localhost', '127.0.0.1'));
        const req = httpRequest({ host: '127.0.0.1', port: u.port, path: u.pathname, method: 'POST', headers: { 'content-type': 'application/json', [HEADER]: s.secret } }, (res) => {
          res.resume();
          res.on('end', () => ok(res.statusCode ?? 0));
        });
        req.on('error', fail);
        req.end(payload());
      });
      expect(status).toBe(200);
    } finally {
      globalThis.fetch = real;
    }
    expect(outbound).toEqual([]);
    expect(sim.requests.length).toBe(seen);
  });
});
