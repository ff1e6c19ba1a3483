import type { Deps } from '../../deps.ts';
import { ProviderAuthError, UnauthorizedError } from '../../errors.ts';
import { listConnections } from '../../connections/repo.ts';
import { recordCheck } from '../../connections/status.ts';
import type { Connection } from '../../connections/types.ts';
import { secret, type SecretValue } from '../../secret-value.ts';
import { scalewayApi, type ScalewayProject } from './adapter.ts';
import { scaleway } from './definition.ts';

export async function secretKeyOf(d: Deps, conn: Connection): Promise<SecretValue<string> | null> {
  if (!conn.secretRef) return null;
  const doc = await d.secrets.get(conn.secretRef);
  const value = doc?.reveal().secret_key;
  return typeof value === 'string' ? secret(value) : null;
}

export const rejectedKey = (e: ProviderAuthError) => `Scaleway rejected the stored API key (HTTP ${e.status}); reconnect with a valid key`;

/** The projects of every connected organisation, listed live with the stored key. */
export async function scalewayProjects(d: Deps, userId: string) {
  const conns = (await listConnections(d.db, userId, 'scaleway')).filter((c) => c.status === 'connected');
  if (conns.length === 0) throw new UnauthorizedError(scaleway.messages.connectRequired, { code: 'not_connected', extra: { action: 'CONNECT_REQUIRED' } });
  const projects: Array<{ project_id: string; name: string; organization_id: string; is_default: boolean }> = [];
  let usable = 0;
  for (const conn of conns) {
    const key = await secretKeyOf(d, conn);
    let list: ScalewayProject[];
    try {
      if (!key) throw new ProviderAuthError(scaleway.messages.invalidCredentials, { status: 401 });
      list = await scalewayApi(d.config.scaleway, key).projects(conn.accountId);
    } catch (e) {
      if (!(e instanceof ProviderAuthError)) throw e;
      await recordCheck(d, conn, { ok: false, kind: 'auth', reason: rejectedKey(e) });
      continue;
    }
    usable++;
    for (const p of list) projects.push({ project_id: p.id, name: p.name, organization_id: p.organization_id ?? conn.accountId, is_default: p.id === conn.metadata.default_project_id });
  }
  if (usable === 0) {
    throw new UnauthorizedError('Scaleway rejected the stored API key. Please reconnect Scaleway.', { code: 'not_connected', extra: { action: 'CONNECT_REQUIRED' } });
  }
  return { projects };
}
