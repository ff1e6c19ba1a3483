import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { marshall } from '@aws-sdk/util-dynamodb';
import { describe, expect, it } from 'vitest';
import { routes } from '../../lib/http/routes.ts';
import { allSettings } from '../../lib/config.ts';
import { deploySettings, planRoutes, tokensIn } from '../../lib/stacks-plan.ts';
import { ALERT_PUBLISHER, ALERT_STREAM_FILTER, ALERT_STREAM_MAPPING, ALERT_TOKENS, STREAM_READ_ACTIONS, TABLE_STREAM, planAlertPublisher } from '../../lib/stacks/plan/alerts.ts';

/** Alert publication as deployed (lib/stacks/plan/alerts.ts, applied by stacks/alerts.ts). */
const root = resolve(import.meta.dirname, '../..');
const settings = deploySettings({ SECRET_BACKEND: 'aws-secrets-manager' }, allSettings());

/** Does an EventBridge-style filter (the event source mapping's) match a stream record? */
function matches(filter: unknown, value: unknown): boolean {
  if (Array.isArray(filter)) return filter.includes(value);
  if (filter && typeof filter === 'object') return Object.entries(filter).every(([k, f]) => value !== null && typeof value === 'object' && matches(f, (value as Record<string, unknown>)[k]));
  return false;
}
const record = (eventName: string, item: Record<string, unknown>) => ({ eventName, dynamodb: { NewImage: marshall(item, { removeUndefinedValues: true }) } });

describe('the alert publisher', () => {
  it('is a handler that exists, may put events on the alert bus and read the stream, and touches nothing else', async () => {
    expect(existsSync(join(root, ALERT_PUBLISHER.handler))).toBe(true);
    expect(typeof ((await import(pathToFileURL(join(root, ALERT_PUBLISHER.handler)).href)) as { handler: unknown }).handler).toBe('function');
    const p = planAlertPublisher('prod', settings);
    expect(p.handler).toBe('functions/alerts/publish.handler');
    expect(p.permissions).toEqual([
      { actions: ['events:PutEvents'], resources: [ALERT_TOKENS.busArn] },
      { actions: [...STREAM_READ_ACTIONS], resources: [ALERT_TOKENS.streamArn] },
      { actions: ['sqs:SendMessage'], resources: [ALERT_TOKENS.dlqArn] },
    ]);
    expect(p.links).toEqual([]);
    expect(p.environment.ALERT_BUS_NAME).toBe(ALERT_TOKENS.busName);
    expect(p.environment.TABLE_NAME).toBeUndefined();
    expect(JSON.stringify(p)).not.toMatch(/secretsmanager|dynamodb:(PutItem|GetItem|Query)/);
  });

  it('gets new alerts only: inserts of alert items, not their updates or removals, nor any other item', () => {
    const alert = { pk: 'USER#u', sk: 'ALERT#x', kind: 'alert', id: 'x'.repeat(24), userId: 'u', connector: 'datadog' };
    expect(matches(ALERT_STREAM_FILTER, record('INSERT', alert))).toBe(true);
    expect(matches(ALERT_STREAM_FILTER, record('MODIFY', alert))).toBe(false);
    expect(matches(ALERT_STREAM_FILTER, record('REMOVE', alert))).toBe(false);
    for (const kind of ['connection', 'webhook', 'audit', 'oauth_state']) expect(matches(ALERT_STREAM_FILTER, record('INSERT', { ...alert, kind }))).toBe(false);
    expect(ALERT_STREAM_MAPPING).toMatchObject({ functionResponseTypes: ['ReportBatchItemFailures'], bisectBatchOnFunctionError: true });
    expect(ALERT_STREAM_MAPPING.maximumRetryAttempts).toBeGreaterThan(0);
    // the stream carries what the filter and the consumer read: the new image
    expect(TABLE_STREAM).toBe('new-image');
    expect(readFileSync(join(root, 'stacks/storage.ts'), 'utf8')).toContain('stream: TABLE_STREAM');
  });

  it('the webhook functions get no permission on the bus, and only the table and the secret store', () => {
    const plans = planRoutes(routes, 'prod', settings);
    const webhooks = routes.filter((r) => /\.webhook(Challenge)?$/.test(r.id));
    expect(webhooks.length).toBeGreaterThan(0);
    for (const r of webhooks) {
      expect(r.capabilities, r.id).toEqual(['table', 'secrets']);
      const p = plans.find((x) => x.handlerFile === r.handler)!;
      expect(JSON.stringify(p.permissions), r.id).not.toContain('events:');
      expect(tokensIn(JSON.stringify(p)).filter((t) => t.startsWith('alertBus')), r.id).toEqual([]);
      expect(p.environment.ALERT_BUS_NAME, r.id).toBeUndefined();
    }
  });
});
