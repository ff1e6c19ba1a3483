import type { Deps } from '../../deps.ts';
import type { Connection } from '../../connections/types.ts';
import { ProviderAuthError } from '../../errors.ts';
import { secret } from '../../secret-value.ts';
import { datadogApi, type DatadogKeys } from './adapter.ts';
import { siteOf, type DatadogSite } from './definition.ts';

/** The connection's stored keys, or null when the secret store no longer has them. */
export async function keysOf(d: Deps, conn: Connection): Promise<Required<DatadogKeys> | null> {
  const doc = conn.secretRef ? (await d.secrets.get(conn.secretRef))?.reveal() : undefined;
  if (typeof doc?.api_key !== 'string' || typeof doc?.app_key !== 'string') return null;
  return { apiKey: secret(doc.api_key), appKey: secret(doc.app_key) };
}

export const siteOfConnection = (conn: Connection): DatadogSite => siteOf(String(conn.metadata.site ?? '')) ?? 'datadoghq.com';

/** The Datadog API of one connection, with its stored keys. */
export async function apiOf(d: Deps, conn: Connection) {
  const keys = await keysOf(d, conn);
  if (!keys) throw new ProviderAuthError('The stored Datadog keys are missing; connect Datadog again', { status: 401, code: 'credentials_missing' });
  return datadogApi(d.config.datadog, siteOfConnection(conn), keys);
}

export const rejected = (e: ProviderAuthError) => `${e.message}; reconnect Datadog with valid keys`;
