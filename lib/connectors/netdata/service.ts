import type { Deps } from '../../deps.ts';
import type { Connection } from '../../connections/types.ts';
import { ProviderAuthError } from '../../errors.ts';
import { secret, type SecretValue } from '../../secret-value.ts';
import { netdataApi } from './adapter.ts';

/** The connection's stored token, or null when the secret store no longer has it. */
export async function tokenOf(d: Deps, conn: Connection): Promise<SecretValue<string> | null> {
  const doc = conn.secretRef ? (await d.secrets.get(conn.secretRef))?.reveal() : undefined;
  return typeof doc?.api_token === 'string' ? secret(doc.api_token) : null;
}

export async function apiOf(d: Deps, conn: Connection) {
  const token = await tokenOf(d, conn);
  if (!token) throw new ProviderAuthError('The stored Netdata token is missing; connect Netdata again', { status: 401, code: 'credentials_missing' });
  return netdataApi(d.config.netdata, token);
}

export const rejected = (e: ProviderAuthError) => `${e.message}; reconnect Netdata with a valid token`;
