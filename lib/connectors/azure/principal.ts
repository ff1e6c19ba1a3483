import '../../lazy-core.ts'; // one chunk for what the lazy code shares with its function (lib/lazy-core.ts)
import type { Connection } from '../../connections/types.ts';
import type { Deps } from '../../deps.ts';
import { secret } from '../../secret-value.ts';
import type { ServicePrincipal } from './entra.ts';

/**
 * The stored service principal of a connection, read from the secret store per use and never
 * cached. Kept apart from the adapter so cloud_tool (which hands the principal to `az login`)
 * does not load the token request (entra.ts) with it.
 */
export async function servicePrincipalOf(d: Deps, conn: Connection): Promise<ServicePrincipal | null> {
  const doc = conn.secretRef ? await d.secrets.get(conn.secretRef) : null;
  const clientSecret = doc?.reveal().client_secret;
  const { tenant_id: tenantId, client_id: clientId } = conn.metadata;
  if (typeof clientSecret !== 'string' || typeof tenantId !== 'string' || typeof clientId !== 'string') return null;
  return { tenantId, clientId, clientSecret: secret(clientSecret) };
}
