import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { secret } from '../../lib/secret-value.ts';
import { headerHoldsSecret, hmacMatches, parseTime, safeEqual } from '../../lib/webhooks/signatures.ts';
import { webhook as datadog } from '../../lib/connectors/datadog/webhook.ts';
import { webhook as pagerduty } from '../../lib/connectors/pagerduty/webhook.ts';
import { webhook as github } from '../../lib/connectors/github/webhook.ts';

const s = secret('s3cr3t-value-of-some-length');
const delivery = (headers: Record<string, string>, body = '{}') => ({ headers, rawBody: body, query: {} });

describe('webhook signature building blocks', () => {
  it('safeEqual is equality, whatever the lengths', () => {
    expect(safeEqual('abc', 'abc')).toBe(true);
    expect(safeEqual('abc', 'abd')).toBe(false);
    expect(safeEqual('abc', 'abcd')).toBe(false);
    expect(safeEqual('', '')).toBe(true);
    expect(safeEqual('', 'a')).toBe(false);
  });

  it('a header holds the secret as it is, or after its scheme', () => {
    expect(headerHoldsSecret(delivery({ 'x-token': s.reveal() }), 'X-Token', s)).toBe(true);
    expect(headerHoldsSecret(delivery({ 'x-token': ` ${s.reveal()} ` }), 'X-Token', s)).toBe(true);
    expect(headerHoldsSecret(delivery({ 'x-token': s.reveal().slice(1) }), 'X-Token', s)).toBe(false);
    expect(headerHoldsSecret(delivery({}), 'X-Token', s)).toBe(false);
    expect(headerHoldsSecret(delivery({ authorization: `Bearer ${s.reveal()}` }), 'Authorization', s, 'Bearer')).toBe(true);
    expect(headerHoldsSecret(delivery({ authorization: s.reveal() }), 'Authorization', s, 'Bearer')).toBe(false);
  });

  it('HMAC-SHA256 in hex (any case, optional prefix) or base64', () => {
    const hex = createHmac('sha256', s.reveal()).update('1700000000:body').digest('hex');
    expect(hmacMatches(hex, s, '1700000000:body')).toBe(true);
    expect(hmacMatches(hex.toUpperCase(), s, '1700000000:body')).toBe(true);
    expect(hmacMatches(`sha256=${hex}`, s, '1700000000:body', { prefix: 'sha256=' })).toBe(true);
    expect(hmacMatches(hex, s, '1700000001:body')).toBe(false);
    expect(hmacMatches(undefined, s, 'x')).toBe(false);
    const b64 = createHmac('sha256', s.reveal()).update('tok').digest('base64');
    expect(hmacMatches(b64, s, 'tok', { encoding: 'base64' })).toBe(true);
    expect(hmacMatches(b64.toLowerCase(), s, 'tok', { encoding: 'base64' })).toBe(b64 === b64.toLowerCase());
  });

  it('reads times as tools send them', () => {
    expect(parseTime(1700000000)).toBe(1700000000000);
    expect(parseTime('1700000000')).toBe(1700000000000);
    expect(parseTime('1700000000123')).toBe(1700000000123);
    expect(parseTime('2024-03-15T10:00:00Z')).toBe(Date.parse('2024-03-15T10:00:00Z'));
    for (const bad of ['', 'yesterday', '$DATE', null, undefined, {}, Number.NaN, '12:00']) expect(parseTime(bad)).toBeNull();
  });
});

describe('Datadog deliveries', () => {
  const at = 1710496800000;
  const body = (p: Record<string, unknown>) => JSON.stringify({ id: '1', date: String(at), last_updated: String(at), ...p });
  const signed = (p: Record<string, unknown>) => delivery({ 'x-aurora-webhook-secret': s.reveal() }, body(p));

  it('verifies the custom header and dates the delivery by $LAST_UPDATED / $DATE', () => {
    expect(datadog.verify(signed({}), s)).toEqual({ ok: true, sentAt: at });
    expect(datadog.verify(signed({ last_updated: String(at + 5000) }), s)).toEqual({ ok: true, sentAt: at + 5000 });
    expect(datadog.verify(delivery({}, body({})), s).ok).toBe(false);
    expect(datadog.verify(signed({ date: '$DATE', last_updated: '' }), s).ok).toBe(false);
  });

  it('maps transitions, alert types and priorities; unrendered variables are not values', () => {
    const one = (p: Record<string, unknown>) => datadog.normalise(signed(p))[0];
    expect(one({ alert_transition: 'Triggered', alert_type: 'error', priority: 'P1' })).toMatchObject({ status: 'triggered', severity: 'critical' });
    expect(one({ alert_transition: 'Recovered', alert_type: 'success' })).toMatchObject({ status: 'resolved', severity: 'info' });
    expect(one({ alert_transition: 'Warn', alert_type: 'warning' })).toMatchObject({ status: 'triggered', severity: 'warning' });
    expect(one({ title: '[Recovered] disk full' })).toMatchObject({ status: 'resolved', severity: 'unknown', title: '[Recovered] disk full' });
    expect(one({ event_type: '$EVENT_TYPE', link: '$LINK' })).toMatchObject({ type: 'monitor' });
    expect(one({ link: '$LINK' }).url).toBeUndefined();
    expect(() => datadog.normalise(signed({ id: '' }))).toThrow(/no "id"/);
    expect(() => datadog.normalise(delivery({}, '[]'))).toThrow(/JSON object/);
  });
});

describe('PagerDuty v3 deliveries', () => {
  const at = '2024-03-15T10:00:00.123Z';
  const body = (ev: Record<string, unknown> = {}) => JSON.stringify({ event: { id: '01EVT', event_type: 'incident.triggered', resource_type: 'incident', occurred_at: at, data: { title: 'Disk full', status: 'triggered', urgency: 'high', html_url: 'https://acme.pagerduty.com/incidents/P1' }, ...ev } });
  const v1 = (key: string, b: string) => `v1=${createHmac('sha256', key).update(b).digest('hex')}`;
  const signed = (b: string, header: string) => delivery({ 'x-pagerduty-signature': header }, b);

  it('accepts any one of several v1= signatures of the raw body and dates it by event.occurred_at', () => {
    const b = body();
    expect(pagerduty.verify(signed(b, v1(s.reveal(), b)), s)).toEqual({ ok: true, sentAt: Date.parse(at) });
    expect(pagerduty.verify(signed(b, `${v1('old-secret', b)}, ${v1(s.reveal(), b)}`), s).ok).toBe(true);
    expect(pagerduty.verify(signed(b, v1(s.reveal(), b).replace('v1=', 'v2=')), s).ok).toBe(false);
    expect(pagerduty.verify(signed(b, v1('old-secret', b)), s).ok).toBe(false);
    expect(pagerduty.verify(signed(`${b}\n`, v1(s.reveal(), b)), s).ok).toBe(false);
    expect(pagerduty.verify(delivery({}, b), s).ok).toBe(false);
    const undated = body({ occurred_at: undefined });
    expect(pagerduty.verify(signed(undated, v1(s.reveal(), undated)), s).ok).toBe(false);
  });

  it('maps event types, statuses, priorities and urgencies; a body without an event id is a 400', () => {
    const one = (ev: Record<string, unknown>) => pagerduty.normalise(delivery({}, body(ev)))[0];
    expect(one({})).toMatchObject({ eventId: '01EVT', type: 'incident.triggered', status: 'triggered', severity: 'error', title: 'Disk full', url: 'https://acme.pagerduty.com/incidents/P1', occurredAt: Date.parse(at) });
    expect(one({ event_type: 'incident.resolved', data: { status: 'resolved', urgency: 'low', title: 'x' } })).toMatchObject({ status: 'resolved', severity: 'warning' });
    expect(one({ event_type: 'incident.acknowledged', data: { status: 'acknowledged', priority: { summary: 'P1' } } })).toMatchObject({ status: 'acknowledged', severity: 'critical', title: 'incident.acknowledged' });
    expect(one({ event_type: 'pagey.ping', resource_type: 'pagey', data: { type: 'ping', message: 'Hello from your friend Pagey!' } })).toMatchObject({ status: 'info', severity: 'info' });
    expect(() => pagerduty.normalise(delivery({}, body({ id: '' })))).toThrow(/no "id"/);
    expect(() => pagerduty.normalise(delivery({}, '{"event":[]}'))).toThrow(/"event"/);
  });
});

describe('GitHub deliveries', () => {
  const body = JSON.stringify({ action: 'created', alert: { security_advisory: { severity: 'high', summary: 'Prototype pollution in lodash' }, html_url: 'https://github.com/o/r/security/dependabot/1', updated_at: '2026-12-01T10:00:00Z' }, repository: { full_name: 'o/r' } });
  const signed = (b: string, extra: Record<string, string> = {}) =>
    delivery({ 'x-hub-signature-256': `sha256=${createHmac('sha256', s.reveal()).update(b).digest('hex')}`, 'x-github-event': 'dependabot_alert', 'x-github-delivery': '72d3162e-cc78-11e3-81ab-4c9367dc0958', ...extra }, b);

  it('X-Hub-Signature-256 over the exact body; undated (GitHub signs no time)', () => {
    expect(github.verify(signed(body), s)).toEqual({ ok: true, sentAt: 'undated' });
    expect(github.verify({ ...signed(body), rawBody: body.replace('high', 'low') }, s).ok).toBe(false);
    expect(github.verify(signed(body), secret('another-secret-of-some-length')).ok).toBe(false);
    expect(github.verify(delivery({ 'x-github-event': 'ping' }, body), s).ok).toBe(false);
  });

  it('normalises by event, keyed by X-GitHub-Delivery; ping is nothing to store', () => {
    expect(github.normalise(signed(body))).toEqual([
      expect.objectContaining({ eventId: '72d3162e-cc78-11e3-81ab-4c9367dc0958', type: 'dependabot_alert.created', severity: 'error', status: 'triggered', title: 'o/r: Prototype pollution in lodash', occurredAt: Date.parse('2026-12-01T10:00:00Z'), url: 'https://github.com/o/r/security/dependabot/1' }),
    ]);
    const fixed = JSON.stringify({ action: 'fixed', alert: { security_advisory: { severity: 'critical' } }, repository: { full_name: 'o/r' } });
    expect(github.normalise(signed(fixed))[0]).toMatchObject({ severity: 'critical', status: 'resolved' });
    expect(github.normalise(signed('{"zen":"x"}', { 'x-github-event': 'ping' }))).toEqual([]);
    expect(() => github.normalise(signed(body, { 'x-github-delivery': '' }))).toThrow(/X-GitHub-Delivery/);
    expect(() => github.normalise(signed('[1]'))).toThrow(/JSON object/);
  });
});
