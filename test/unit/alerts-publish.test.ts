import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { marshall } from '@aws-sdk/util-dynamodb';
import type { DynamoDBRecord } from 'aws-lambda';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { load } from '../../lib/config.ts';
import type { Deps } from '../../lib/deps.ts';
import { publishStreamBatch } from '../../lib/alerts/publish.ts';
import { eventBridgeBus } from '../../lib/alerts/bus.ts';

/**
 * The stream consumer (functions/alerts/publish.ts) against a fake EventBridge that speaks
 * PutEvents (AWS JSON 1.1), through the real SDK client: what reaches the bus, what does not, and
 * which records the stream is asked to deliver again when EventBridge refuses some.
 */
let server: Server;
let endpoint: string;
const calls: Array<{ target: string; entries: Array<Record<string, unknown>> }> = [];
/** entries whose Detail holds one of these event ids are refused */
let refuse = new Set<string>();
let down = false;

beforeAll(async () => {
  server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const doc = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { Entries: Array<Record<string, unknown>> };
    calls.push({ target: String(req.headers['x-amz-target']), entries: doc.Entries });
    if (down) {
      res.writeHead(500, { 'content-type': 'application/x-amz-json-1.1' });
      return res.end(JSON.stringify({ __type: 'InternalException', message: 'down' }));
    }
    const entries = doc.Entries.map((e, i) => (refuse.has(JSON.parse(String(e.Detail)).event_id) ? { ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' } : { EventId: `ev-${calls.length}-${i}` }));
    res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1' });
    res.end(JSON.stringify({ FailedEntryCount: entries.filter((e) => 'ErrorCode' in e).length, Entries: entries }));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((ok) => server.close(() => ok())));
beforeEach(() => {
  calls.length = 0;
  refuse = new Set();
  down = false;
});

const deps = (): Deps => ({ config: load({ ALERT_BUS_NAME: 'aurora-alerts', EVENTBRIDGE_ENDPOINT: endpoint, AWS_REGION: 'eu-west-1' }), db: undefined as never, secrets: undefined as never, now: () => Date.now() });
const item = (n: number, over: Record<string, unknown> = {}) => ({
  pk: 'USER#u1',
  sk: `ALERT#${String(n).padStart(24, 'a')}`,
  kind: 'alert',
  id: String(n).padStart(24, 'a'),
  userId: 'u1',
  connector: 'datadog',
  accountId: 'org-1',
  eventId: `e${n}`,
  type: 'monitor',
  severity: 'error',
  title: `alert ${n}`,
  status: 'triggered',
  occurredAt: '2024-03-15T10:00:00.000Z',
  receivedAt: '2024-03-15T10:00:01.000Z',
  raw: '{"secret":"not on the bus"}',
  gsi1pk: 'ALERTS#u1',
  gsi1sk: 'x',
  expiresAt: 1,
  ...over,
});
const rec = (n: number, eventName: DynamoDBRecord['eventName'] = 'INSERT', over: Record<string, unknown> = {}): DynamoDBRecord => ({
  eventID: `r${n}`,
  eventName,
  eventSource: 'aws:dynamodb',
  dynamodb: { SequenceNumber: `${1000 + n}`, NewImage: marshall(item(n, over), { removeUndefinedValues: true }) as never, StreamViewType: 'NEW_IMAGE' },
});

describe('the alert stream consumer', () => {
  it('puts each inserted alert on the bus with its source, type and the public alert shape; nothing else', async () => {
    const r = await publishStreamBatch(deps(), [rec(1), rec(2, 'MODIFY'), rec(3, 'REMOVE'), rec(4, 'INSERT', { kind: 'webhook' }), rec(5)]);
    expect(r).toEqual({ batchItemFailures: [] });
    expect(calls).toHaveLength(1);
    expect(calls[0].target).toBe('AWSEvents.PutEvents');
    expect(calls[0].entries.map((e) => [e.EventBusName, e.Source, e.DetailType])).toEqual([
      ['aurora-alerts', 'aurora.alerts', 'Alert received'],
      ['aurora-alerts', 'aurora.alerts', 'Alert received'],
    ]);
    const detail = JSON.parse(String(calls[0].entries[0].Detail));
    expect(detail).toEqual({
      id: item(1).id,
      user_id: 'u1',
      connector: 'datadog',
      account_id: 'org-1',
      event_id: 'e1',
      type: 'monitor',
      severity: 'error',
      title: 'alert 1',
      status: 'triggered',
      occurred_at: '2024-03-15T10:00:00.000Z',
      received_at: '2024-03-15T10:00:01.000Z',
      raw_ref: item(1).id,
    });
    expect(JSON.stringify(calls)).not.toContain('not on the bus');
  });

  it('sends ten entries per call', async () => {
    await publishStreamBatch(deps(), Array.from({ length: 23 }, (_, i) => rec(i + 1)));
    expect(calls.map((c) => c.entries.length)).toEqual([10, 10, 3]);
  });

  it('reports the records whose events EventBridge refused, so the stream delivers them again', async () => {
    refuse = new Set(['e2', 'e4']);
    const r = await publishStreamBatch(deps(), [rec(1), rec(2), rec(3), rec(4)]);
    expect(r.batchItemFailures).toEqual([{ itemIdentifier: '1002' }, { itemIdentifier: '1004' }]);
  });

  it('EventBridge down (after the SDK\'s retries) → every record of the batch again, nothing lost', async () => {
    down = true;
    const r = await publishStreamBatch(deps(), [rec(1), rec(2)]);
    expect(r.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(['1001', '1002']);
    expect(calls.length).toBeGreaterThan(1);
  });

  it('a batch without alerts calls nothing', async () => {
    expect(await publishStreamBatch(deps(), [rec(1, 'MODIFY')], eventBridgeBus({ busName: 'x', region: 'eu-west-1', endpoint }))).toEqual({ batchItemFailures: [] });
    expect(calls).toHaveLength(0);
  });
});
