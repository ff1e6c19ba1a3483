import * as z from 'zod';
import { CONNECTOR_IDS } from '../connectors/generated/ids.ts';
import { ALERT_STATUSES, SEVERITIES } from './types.ts';

/** The shapes of GET /api/alerts and GET /api/alerts/{alert_id}. */
export const alertView = z.object({
  id: z.string(),
  connector: z.string(),
  account_id: z.string(),
  event_id: z.string(),
  type: z.string(),
  severity: z.enum(SEVERITIES),
  title: z.string(),
  status: z.enum(ALERT_STATUSES),
  occurred_at: z.string(),
  received_at: z.string(),
  url: z.string().optional(),
  raw_ref: z.string(),
});

export const listAlertsQuery = z.strictObject({
  connector: z.enum(CONNECTOR_IDS, { error: () => `must be one of ${CONNECTOR_IDS.join(', ')}` }).optional(),
  cursor: z.string().min(1).max(1024).optional(),
  limit: z.coerce.number().int().min(1).max(100).optional(),
});

export const listAlertsResponse = z.object({ alerts: z.array(alertView), cursor: z.string().nullable() });

export const alertParams = z.object({ alert_id: z.string().max(64) });

export const alertResponse = alertView.extend({ raw: z.unknown(), raw_truncated: z.boolean().optional() });
