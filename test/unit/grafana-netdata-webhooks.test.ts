import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { secret } from '../../lib/secret-value.ts';
import { webhook as grafana } from '../../lib/connectors/grafana/webhook.ts';
import { webhook as netdata } from '../../lib/connectors/netdata/webhook.ts';
import { locationOf } from '../../lib/connectors/grafana/definition.ts';
import { pickSpace } from '../../lib/connectors/netdata/definition.ts';

const s = secret('s3cr3t-value-of-some-length');
const delivery = (headers: Record<string, string>, body = '{}', query: Record<string, string> = {}) => ({ headers, rawBody: body, query });
const sign = (ts: string, body: string, key = s.reveal()) => createHmac('sha256', key).update(`${ts}:${body}`).digest('hex');

describe("Grafana's HMAC signature over its timestamp", () => {
  const body = '{"alerts":[]}';
  it('verifies hex HMAC-SHA256 of "<ts>:<body>" and dates the delivery by the signed timestamp', () => {
    expect(grafana.verify(delivery({ 'x-grafana-alerting-timestamp': '1700000000', 'x-grafana-alerting-signature': sign('1700000000', body) }, body), s)).toEqual({ ok: true, sentAt: 1700000000000 });
  });
  it('refuses a missing or unreadable timestamp, a signature of the body alone, another timestamp or key', () => {
    expect(grafana.verify(delivery({ 'x-grafana-alerting-signature': sign('1700000000', body) }, body), s).ok).toBe(false);
    expect(grafana.verify(delivery({ 'x-grafana-alerting-timestamp': 'soon', 'x-grafana-alerting-signature': sign('soon', body) }, body), s).ok).toBe(false);
    expect(grafana.verify(delivery({ 'x-grafana-alerting-timestamp': '1700000000', 'x-grafana-alerting-signature': createHmac('sha256', s.reveal()).update(body).digest('hex') }, body), s).ok).toBe(false);
    expect(grafana.verify(delivery({ 'x-grafana-alerting-timestamp': '1700000001', 'x-grafana-alerting-signature': sign('1700000000', body) }, body), s).ok).toBe(false);
    expect(grafana.verify(delivery({ 'x-grafana-alerting-timestamp': '1700000000', 'x-grafana-alerting-signature': sign('1700000000', body, 'other') }, body), s).ok).toBe(false);
  });
  it('one event per alert of the group, keyed by fingerprint, state and start', () => {
    const raw = JSON.stringify({ alerts: [{ status: 'firing', fingerprint: 'f1', startsAt: '2026-01-01T00:00:00Z', labels: { alertname: 'A', severity: 'warning' } }, { status: 'resolved', fingerprint: 'f1', startsAt: '2026-01-01T00:00:00Z', endsAt: '2026-01-01T00:10:00Z', labels: { alertname: 'A' } }] });
    const events = grafana.normalise(delivery({}, raw));
    expect(events.map((e) => [e.eventId, e.status, e.severity, e.occurredAt])).toEqual([
      ['f1:firing:2026-01-01T00:00:00Z', 'triggered', 'warning', Date.parse('2026-01-01T00:00:00Z')],
      ['f1:resolved:2026-01-01T00:00:00Z', 'resolved', 'unknown', Date.parse('2026-01-01T00:10:00Z')],
    ]);
    expect(() => grafana.normalise(delivery({}, '{"alerts":[{"status":"firing"}]}'))).toThrow(/fingerprint/);
    expect(() => grafana.normalise(delivery({}, '{"title":"x"}'))).toThrow(/alerts/);
  });
  it('reads Cloud stacks and self-hosted URLs as users paste them, and refuses what is not a plain base', () => {
    expect(locationOf('mystack.grafana.net/d/abc?orgId=1')).toEqual({ url: 'https://mystack.grafana.net', name: 'mystack.grafana.net', stack: 'mystack' });
    expect(locationOf('mystack.grafana.net/d/abc')).toEqual({ url: 'https://mystack.grafana.net', name: 'mystack.grafana.net', stack: 'mystack' });
    expect(locationOf('https://grafana.example.com/grafana/')).toEqual({ url: 'https://grafana.example.com/grafana', name: 'grafana.example.com/grafana' });
    for (const bad of ['ftp://x.example', 'https://u:p@x.example', 'https://x.example/#frag', 'https://x.example/?a=1', 'not a url at all']) expect(locationOf(bad), bad).toBeNull();
  });
});

describe("Netdata's bearer secret and crc_token handshake", () => {
  it('takes the bearer in constant time; an alert must be dated, a reachability notice may not be', () => {
    const alert = JSON.stringify({ alert: 'cpu', severity: 'warning', date: '2026-01-01T00:00:00Z' });
    expect(netdata.verify(delivery({ authorization: `Bearer ${s.reveal()}` }, alert), s)).toEqual({ ok: true, sentAt: Date.parse('2026-01-01T00:00:00Z') });
    expect(netdata.verify(delivery({ authorization: `Bearer ${s.reveal()}x` }, alert), s).ok).toBe(false);
    expect(netdata.verify(delivery({ authorization: `Bearer ${s.reveal()}` }, '{"alert":"cpu"}'), s).ok).toBe(false);
    expect(netdata.verify(delivery({ authorization: `Bearer ${s.reveal()}` }, '{"host":"db","status":{"reachable":false}}'), s)).toEqual({ ok: true, sentAt: 'undated' });
  });
  it('answers the handshake with sha256=base64(HMAC(secret, crc_token)), and nothing else', () => {
    expect(netdata.challenge!(delivery({}, '', { crc_token: 'abc' }), s)).toEqual({ status: 200, body: { response_token: `sha256=${createHmac('sha256', s.reveal()).update('abc').digest('base64')}` } });
    expect(netdata.challenge!(delivery({}, ''), s)).toBeNull();
  });
  it('a clear after a warning is another event; the same notice twice is one', () => {
    const one = netdata.normalise(delivery({}, JSON.stringify({ alert: 'cpu', chart: 'system.cpu', node: 'web-1', severity: 'warning', date: '2026-01-01T00:00:00Z' })))[0];
    const again = netdata.normalise(delivery({}, JSON.stringify({ alert: 'cpu', chart: 'system.cpu', node: 'web-1', severity: 'warning', date: '2026-01-01T00:00:00Z' })))[0];
    const clear = netdata.normalise(delivery({}, JSON.stringify({ alert: 'cpu', chart: 'system.cpu', node: 'web-1', severity: 'clear', date: '2026-01-01T00:05:00Z' })))[0];
    expect(again.eventId).toBe(one.eventId);
    expect(clear.eventId).not.toBe(one.eventId);
    expect([one.status, clear.status]).toEqual(['triggered', 'resolved']);
  });
  it('picks the named space, or the only one', () => {
    const spaces = [{ id: 'a', slug: 'prod', name: 'Prod' }, { id: 'b', slug: 'dev', name: 'Dev' }];
    expect(pickSpace(spaces, 'PROD')).toEqual(spaces[0]);
    expect(pickSpace(spaces, 'b')).toEqual(spaces[1]);
    expect(pickSpace(spaces, undefined)).toEqual({ error: expect.stringContaining('Prod, Dev') });
    expect(pickSpace([spaces[1]], undefined)).toEqual(spaces[1]);
    expect(pickSpace([], 'x')).toEqual({ error: expect.stringContaining('no space') });
  });
});
