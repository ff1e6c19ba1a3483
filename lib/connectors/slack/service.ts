import type { Deps } from '../../deps.ts';
import type { Connection } from '../../connections/types.ts';
import { ProviderAuthError } from '../../errors.ts';
import { secret, type SecretValue } from '../../secret-value.ts';
import { slack } from './definition.ts';

/** The connection's stored bot token, or null when the secret store no longer has it. */
export async function storedToken(d: Deps, conn: Connection): Promise<SecretValue<string> | null> {
  const doc = conn.secretRef ? (await d.secrets.get(conn.secretRef))?.reveal() : undefined;
  return typeof doc?.access_token === 'string' && doc.access_token ? secret(doc.access_token) : null;
}

export async function requireToken(d: Deps, conn: Connection): Promise<SecretValue<string>> {
  const t = await storedToken(d, conn);
  if (!t) throw new ProviderAuthError(slack.messages.missing, { status: 401, code: 'credentials_missing' });
  return t;
}
