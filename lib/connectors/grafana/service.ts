import type { Deps } from '../../deps.ts';
import type { Connection } from '../../connections/types.ts';
import { ProviderAuthError } from '../../errors.ts';
import { secret, type SecretValue } from '../../secret-value.ts';
import { grafanaApi } from './adapter.ts';
import { locationOf, type GrafanaLocation } from './definition.ts';

/** The connection's stored token, or null when the secret store no longer has it. */
export async function tokenOf(d: Deps, conn: Connection): Promise<SecretValue<string> | null> {
  const doc = conn.secretRef ? (await d.secrets.get(conn.secretRef))?.reveal() : undefined;
  return typeof doc?.api_token === 'string' ? secret(doc.api_token) : null;
}

export const locationOfConnection = (conn: Connection): GrafanaLocation => {
  const loc = locationOf(String(conn.metadata.base_url ?? ''));
  if (!loc) throw new ProviderAuthError('The Grafana connection has no usable base URL; connect Grafana again', { status: 401, code: 'credentials_missing' });
  return loc;
};

/** The Grafana API of one connection, with its stored token. */
export async function apiOf(d: Deps, conn: Connection) {
  const token = await tokenOf(d, conn);
  if (!token) throw new ProviderAuthError('The stored Grafana token is missing; connect Grafana again', { status: 401, code: 'credentials_missing' });
  return grafanaApi(d.config.grafana, locationOfConnection(conn), token);
}

/** `<host><path>/orgs/<id>`: one Grafana organisation (a service account belongs to one). */
export const accountIdOf = (loc: GrafanaLocation, orgId: number) => `${loc.name}/orgs/${orgId}`;

export const rejected = (e: ProviderAuthError) => `${e.message}; reconnect Grafana with a valid token`;
