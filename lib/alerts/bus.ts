import type { AlertView } from './types.ts';
import { log } from '../log.ts';

/**
 * Where stored alerts are announced: an EventBridge bus when deployed (ALERT_BUS_NAME, see
 * ./publish.ts for why the announcement leaves from the stored item), and locally a bus inside the
 * runtime's process that anything of it may subscribe to (tests, an agent session).
 */
export const ALERT_SOURCE = 'aurora.alerts';
export const ALERT_DETAIL_TYPE = 'Alert received';

export interface AlertEvent {
  source: typeof ALERT_SOURCE;
  detailType: typeof ALERT_DETAIL_TYPE;
  /** when the alert was received (ISO 8601) */
  time: string;
  detail: AlertView & { user_id: string };
}

export interface AlertBus {
  /** resolves once every event is accepted; rejects with the events that were not */
  publish(events: AlertEvent[]): Promise<void>;
}

export type AlertListener = (event: AlertEvent) => void;

/** The local runtime's bus: listeners in this process, called in order; one that throws is logged and the others still run. */
export class InProcessAlertBus implements AlertBus {
  readonly #listeners = new Set<AlertListener>();
  subscribe(listener: AlertListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
  async publish(events: AlertEvent[]): Promise<void> {
    for (const event of events) {
      for (const listener of this.#listeners) {
        try {
          listener(event);
        } catch (e) {
          log.warn('an alert listener failed', { error: e });
        }
      }
    }
  }
}

let local: InProcessAlertBus | undefined;
/** The one in-process bus of this process (built on first use). */
export const localAlertBus = (): InProcessAlertBus => (local ??= new InProcessAlertBus());

/** Entries per PutEvents call: EventBridge takes at most 10. */
const BATCH = 10;

export class EventBridgeError extends Error {
  readonly failed: AlertEvent[];
  constructor(failed: AlertEvent[], reason: string) {
    super(`EventBridge did not accept ${failed.length} alert event(s): ${reason}`);
    this.name = 'EventBridgeError';
    this.failed = failed;
  }
}

/** Deployed: PutEvents to the alert bus, ten entries a call; entries EventBridge refuses are reported, never dropped silently. */
export function eventBridgeBus(opts: { busName: string; region: string; endpoint?: string }): AlertBus {
  let client: Promise<import('@aws-sdk/client-eventbridge').EventBridgeClient> | undefined;
  const get = () =>
    (client ??= import('./eventbridge-client.ts').then(
      ({ EventBridgeClient }) =>
        new EventBridgeClient({ region: opts.region, maxAttempts: 4, ...(opts.endpoint ? { endpoint: opts.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}) }),
    ));
  return {
    async publish(events) {
      const { PutEventsCommand } = await import('./eventbridge-client.ts');
      const eb = await get();
      const failed: AlertEvent[] = [];
      let reason = '';
      for (let i = 0; i < events.length; i += BATCH) {
        const batch = events.slice(i, i + BATCH);
        const r = await eb.send(
          new PutEventsCommand({
            Entries: batch.map((e) => ({ EventBusName: opts.busName, Source: e.source, DetailType: e.detailType, Time: new Date(e.time), Detail: JSON.stringify(e.detail) })),
          }),
        );
        (r.Entries ?? []).forEach((entry, j) => {
          if (entry.ErrorCode) {
            failed.push(batch[j]);
            reason ||= `${entry.ErrorCode}${entry.ErrorMessage ? `: ${entry.ErrorMessage}` : ''}`;
          }
        });
      }
      if (failed.length) throw new EventBridgeError(failed, reason);
    },
  };
}
