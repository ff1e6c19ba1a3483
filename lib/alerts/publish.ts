import type { AttributeValue, DynamoDBBatchResponse, DynamoDBRecord } from 'aws-lambda';
import { unmarshallMap } from '../db/dynamodb.ts';
import type { Deps } from '../deps.ts';
import { log } from '../log.ts';
import { ALERT_DETAIL_TYPE, ALERT_SOURCE, EventBridgeError, eventBridgeBus, localAlertBus, type AlertBus, type AlertEvent } from './bus.ts';
import { toAlertView, type Alert } from './types.ts';

/**
 * Why an alert is announced from its stored item rather than by the webhook function: that
 * function answers the tool without calling anything outside (a slow or failing EventBridge would
 * make the tool retry, and an announcement made before the write could announce an alert that was
 * never stored, or announce it once per duplicate delivery). Deployed, the table's DynamoDB stream
 * carries each newly inserted alert item to a consumer function (functions/alerts/publish.ts,
 * planned in lib/stacks/plan/alerts.ts): a duplicate delivery is a refused conditional write, so it
 * never reaches the stream, and a failed publication is retried by the event source mapping without
 * the tool noticing. Locally there is no stream: the store hands the same item to the same
 * conversion once the write succeeded, on the next turn of the event loop, and the in-process bus
 * takes it.
 */
export function eventOfItem(item: Record<string, unknown> | undefined): AlertEvent | null {
  if (!item || item.kind !== 'alert' || typeof item.id !== 'string' || typeof item.userId !== 'string') return null;
  const alert = item as unknown as Alert;
  return { source: ALERT_SOURCE, detailType: ALERT_DETAIL_TYPE, time: alert.receivedAt, detail: { ...toAlertView(alert), user_id: alert.userId } };
}

/** After a new alert is written: locally, the in-process bus; deployed, nothing (the stream consumer publishes). */
export function afterStored(d: Deps, item: Record<string, unknown>): void {
  if (d.config.alerts.busName) return;
  const event = eventOfItem(item);
  if (!event) return;
  setImmediate(() => {
    localAlertBus()
      .publish([event])
      .catch((e: unknown) => log.warn('local alert bus failed', { error: e }));
  });
}

let deployedBus: { key: string; bus: AlertBus } | undefined;
function busOf(d: Deps): AlertBus {
  const { busName, eventBridgeEndpoint } = d.config.alerts;
  if (!busName) return localAlertBus();
  const key = `${busName}|${d.config.core.region}|${eventBridgeEndpoint ?? ''}`;
  if (deployedBus?.key !== key) deployedBus = { key, bus: eventBridgeBus({ busName, region: d.config.core.region, endpoint: eventBridgeEndpoint }) };
  return deployedBus.bus;
}

/**
 * The stream consumer: each inserted alert item of the batch becomes one event on the bus. Records
 * whose events EventBridge refused are reported back (partial batch response), so only they and
 * what follows them are delivered again; a consumer of the bus may therefore see an alert twice and
 * recognises it by its id.
 */
export async function publishStreamBatch(d: Deps, records: DynamoDBRecord[], bus: AlertBus = busOf(d)): Promise<DynamoDBBatchResponse> {
  const pending: Array<{ record: DynamoDBRecord; event: AlertEvent }> = [];
  for (const record of records) {
    if (record.eventName !== 'INSERT' || !record.dynamodb?.NewImage) continue;
    const event = eventOfItem(unmarshallMap(record.dynamodb.NewImage as Record<string, AttributeValue> as never));
    if (event) pending.push({ record, event });
  }
  if (pending.length === 0) return { batchItemFailures: [] };
  try {
    await bus.publish(pending.map((p) => p.event));
    log.info('alerts published', { count: pending.length });
    return { batchItemFailures: [] };
  } catch (e) {
    const failed = e instanceof EventBridgeError ? new Set(e.failed) : new Set(pending.map((p) => p.event));
    const again = pending.filter((p) => failed.has(p.event));
    log.warn('alert publication failed; the stream delivers these records again', { failed: again.length, of: pending.length, error: e });
    return { batchItemFailures: again.map((p) => ({ itemIdentifier: p.record.dynamodb?.SequenceNumber ?? '' })) };
  }
}
