import type { Deps } from '../../deps.ts';
import type { Connection } from '../../connections/types.ts';
import { secret, type SecretValue } from '../../secret-value.ts';

// Shared by the service (live checks, tokens for commands) and the disconnect hook (revocation).

/** The connection's stored OAuth client secret, or null when the secret store no longer has it. */
export async function clientSecretOf(d: Deps, conn: Connection): Promise<SecretValue<string> | null> {
  const doc = conn.secretRef ? await d.secrets.get(conn.secretRef) : null;
  const value = doc?.reveal().client_secret;
  return typeof value === 'string' ? secret(value) : null;
}

/** The tailnet as the API names it ("-" for the client's own), which may differ from the account id. */
export const apiTailnetOf = (conn: Connection) => String(conn.metadata.api_tailnet ?? conn.metadata.tailnet ?? conn.accountId);
