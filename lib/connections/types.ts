import type { ProviderId } from '../connectors/generated/ids.ts';

export const CONNECTION_STATUSES = ['connected', 'not_connected', 'pending', 'error'] as const;
export type ConnectionStatus = (typeof CONNECTION_STATUSES)[number];

/** Non-secret facts about a connection (role ARN, tenant, subscription, tailnet, endpoint...). */
export type ConnectionMetadata = Record<string, string | number | boolean | string[] | null>;

export interface Connection {
  userId: string;
  provider: ProviderId;
  accountId: string;
  accountName: string;
  status: ConnectionStatus;
  statusReason?: string;
  metadata: ConnectionMetadata;
  /** where the credentials live; never the credentials */
  secretRef?: string;
  createdAt: string;
  updatedAt: string;
  /** optimistic-concurrency counter, incremented by every write */
  version: number;
  /** consecutive failed live checks (scheduled re-validation tolerates provider-wide outages) */
  failureCount?: number;
  lastCheckedAt?: string;
}

export interface ConnectionKey {
  userId: string;
  provider: ProviderId;
  accountId: string;
}
