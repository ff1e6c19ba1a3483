import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localAlertBus, type AlertEvent } from '../../lib/alerts/bus.ts';
import { DATADOG_FIXTURES as F } from '../../lib/connectors/datadog/simulator.ts';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime.ts';

/** GET /api/alerts and GET /api/alerts/{alert_id}, and the local bus, over what webhooks delivered. */
let rt: TestRuntime;
const HEADER = 'x-aurora-webhook-secret';

async function hookOf(user: string) {
  expect((await rt.request('POST', '/datadog/connect', { user, body: { api_key: F.us1.apiKey, app_key: F.us1.appKey } })).status).toBe(200);
  const s = await rt.request('GET', '/datadog/webhook-url', { user });
  return { path: new URL(s.body.url).pathname, secret: s.body.secret as string };
}
const deliver = (hook: { path: string; secret: string }, p: Record<string, unknown>) => {
  const now = String(Date.now());
  return rt.request('POST', hook.path, { user: null, rawBody: JSON.stringify({ date: now, last_updated: now, ...p }), headers: { 'content-type': 'application/json', [HEADER]: hook.secret } });
};

beforeAll(async () => {
  rt = await startTestRuntime({ simulate: true });
});
afterAll(async () => rt.close());

describe('GET /api/alerts', () => {
  it('lists the caller\'s alerts newest first, one tool\'s with ?connector=, page by page with the cursor', async () => {
    const hook = await hookOf('al-list');
    for (let i = 1; i <= 5; i++) expect((await deliver(hook, { id: `e${i}`, title: `[Triggered] alert ${i}`, alert_type: 'warning', alert_transition: 'Triggered' })).body.stored).toBe(1);
    const all = await rt.request('GET', '/api/alerts', { user: 'al-list' });
    expect(all.status).toBe(200);
    expect(all.body.cursor).toBeNull();
    expect(all.body.alerts.map((a: { event_id: string }) => a.event_id)).toEqual(['e5', 'e4', 'e3', 'e2', 'e1']);
    expect(all.body.alerts[0]).toEqual({
      id: expect.stringMatching(/^[A-Za-z0-9_-]{24}$/),
      connector: 'datadog',
      account_id: F.us1.orgId,
      event_id: 'e5',
      type: 'monitor',
      severity: 'warning',
      title: '[Triggered] alert 5',
      status: 'triggered',
      occurred_at: expect.any(String),
      received_at: expect.any(String),
      raw_ref: all.body.alerts[0].id,
    });

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const page: { status: number; body: { alerts: Array<{ event_id: string }>; cursor: string | null } } = await rt.request('GET', `/api/alerts?limit=2${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { user: 'al-list' });
      expect(page.status).toBe(200);
      expect(page.body.alerts.length).toBeLessThanOrEqual(2);
      seen.push(...page.body.alerts.map((a) => a.event_id));
      cursor = page.body.cursor;
      pages++;
    } while (cursor && pages < 10);
    expect(seen).toEqual(['e5', 'e4', 'e3', 'e2', 'e1']);

    expect((await rt.request('GET', '/api/alerts?connector=datadog', { user: 'al-list' })).body.alerts).toHaveLength(5);
    expect((await rt.request('GET', '/api/alerts?connector=scaleway', { user: 'al-list' })).body).toEqual({ alerts: [], cursor: null });
  });

  it('refuses an unknown connector, a bad limit and a cursor it did not issue, naming the field', async () => {
    for (const [q, field] of [
      ['connector=nope', 'connector'],
      ['limit=0', 'limit'],
      ['limit=1000', 'limit'],
      ['cursor=not-a-cursor', 'cursor'],
      [`cursor=${Buffer.from(JSON.stringify({ s: 'CONN#x', g: 'y' })).toString('base64url')}`, 'cursor'],
      ['other=1', 'other'],
    ]) {
      const r = await rt.request('GET', `/api/alerts?${q}`, { user: 'al-bad' });
      expect(r.status, q).toBe(400);
      expect(r.body.error.field, q).toBe(field);
    }
  });

  it('another user sees none of them, and a cursor of theirs reads only the caller\'s own alerts', async () => {
    const hook = await hookOf('al-owner');
    await deliver(hook, { id: 'mine-1' });
    await deliver(hook, { id: 'mine-2' });
    const page = await rt.request('GET', '/api/alerts?limit=1', { user: 'al-owner' });
    expect(page.body.cursor).toBeTypeOf('string');
    expect((await rt.request('GET', '/api/alerts', { user: 'al-stranger' })).body).toEqual({ alerts: [], cursor: null });
    const borrowed = await rt.request('GET', `/api/alerts?cursor=${encodeURIComponent(page.body.cursor)}`, { user: 'al-stranger' });
    expect(borrowed.status).toBe(200);
    expect(borrowed.body.alerts).toEqual([]);
    const one = await rt.request('GET', `/api/alerts/${page.body.alerts[0].id}`, { user: 'al-stranger' });
    expect(one.status).toBe(404);
  });
});

describe('GET /api/alerts/{alert_id}', () => {
  it('shows the alert with the delivery part it came from', async () => {
    const hook = await hookOf('al-one');
    await deliver(hook, { id: 'raw-1', title: '[Triggered] disk full', hostname: 'db-1', tags: 'env:prod' });
    const [a] = (await rt.request('GET', '/api/alerts', { user: 'al-one' })).body.alerts;
    const r = await rt.request('GET', `/api/alerts/${a.raw_ref}`, { user: 'al-one' });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ ...a, raw: { id: 'raw-1', hostname: 'db-1', tags: 'env:prod' } });
    expect((await rt.request('GET', '/api/alerts/AAAAAAAAAAAAAAAAAAAAAAAA', { user: 'al-one' })).status).toBe(404);
    expect((await rt.request('GET', '/api/alerts/..', { user: 'al-one' })).status).toBe(404);
  });
});

describe('the local bus', () => {
  it('announces each stored alert once, after the answer: three deliveries of one event, one announcement', async () => {
    const hook = await hookOf('al-bus');
    const got: AlertEvent[] = [];
    const stop = localAlertBus().subscribe((e) => {
      if (e.detail.user_id === 'al-bus') got.push(e);
    });
    try {
      for (let i = 0; i < 3; i++) await deliver(hook, { id: 'bus-1', title: '[Triggered] bus', alert_type: 'error' });
      await deliver(hook, { id: 'bus-2', title: '[Recovered] bus', alert_transition: 'Recovered' });
      await expect.poll(() => got.length, { timeout: 10000 }).toBe(2);
    } finally {
      stop();
    }
    expect(got.map((e) => [e.source, e.detailType, e.detail.event_id, e.detail.status])).toEqual([
      ['aurora.alerts', 'Alert received', 'bus-1', 'triggered'],
      ['aurora.alerts', 'Alert received', 'bus-2', 'resolved'],
    ]);
    expect(got[0].detail).toMatchObject({ connector: 'datadog', account_id: F.us1.orgId, user_id: 'al-bus' });
  });
});
