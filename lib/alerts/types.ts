/**
 * An alert as every tool's webhook is normalised to (lib/webhooks/): which tool and connection it
 * came from, the tool's own id for the event (duplicates of one id are stored once), what it is,
 * how bad, its state and when it happened. `raw_ref` names the stored delivery part it came from
 * (GET /api/alerts/{alert_id}).
 */
export const SEVERITIES = ['critical', 'error', 'warning', 'info', 'unknown'] as const;
export type Severity = (typeof SEVERITIES)[number];

export const ALERT_STATUSES = ['triggered', 'acknowledged', 'resolved', 'info'] as const;
export type AlertStatus = (typeof ALERT_STATUSES)[number];

/** What a connector's webhook normaliser returns for one event of a delivery. */
export interface NormalisedEvent {
  /** the tool's id of this event (or of the delivery, when it carries one event) */
  eventId: string;
  /** the tool's own name for the kind of event ("monitor", "incident.triggered", "alert") */
  type: string;
  severity: Severity;
  title: string;
  status: AlertStatus;
  /** when it happened, milliseconds since the epoch */
  occurredAt: number;
  /** the event in the tool's console, when it gives one */
  url?: string;
  /** the part of the delivery this event came from, kept for GET /api/alerts/{alert_id} */
  raw: unknown;
}

/** A stored alert. */
export interface Alert {
  id: string;
  userId: string;
  connector: string;
  accountId: string;
  eventId: string;
  type: string;
  severity: Severity;
  title: string;
  status: AlertStatus;
  occurredAt: string;
  receivedAt: string;
  url?: string;
}

/** The public shape (GET /api/alerts, the bus, MCP). */
export interface AlertView {
  id: string;
  connector: string;
  account_id: string;
  event_id: string;
  type: string;
  severity: Severity;
  title: string;
  status: AlertStatus;
  occurred_at: string;
  received_at: string;
  url?: string;
  raw_ref: string;
}

export const toAlertView = (a: Alert): AlertView => ({
  id: a.id,
  connector: a.connector,
  account_id: a.accountId,
  event_id: a.eventId,
  type: a.type,
  severity: a.severity,
  title: a.title,
  status: a.status,
  occurred_at: a.occurredAt,
  received_at: a.receivedAt,
  ...(a.url ? { url: a.url } : {}),
  raw_ref: a.id,
});
