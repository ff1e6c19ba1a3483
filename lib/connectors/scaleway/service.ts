import type { Deps } from '../../deps.ts';
import { recordLiveCheck } from '../live-check.ts';
import { AppError, BadRequestError, ProviderAuthError, UnauthorizedError } from '../../errors.ts';
import { disconnectWithHooks, saveConnection } from '../../connections/service.ts';
import { listConnections } from '../../connections/repo.ts';
import type { Connection } from '../../connections/types.ts';
import { secret, SecretValue } from '../../secret-value.ts';
import type { CheckResult } from '../hooks.ts';
import { scalewayApi, type ScalewayProject } from './adapter.ts';
import { scaleway } from './definition.ts';
import { scalewayHooks } from './hooks.ts';

export interface ScalewayConnectInput {
  access_key: string;
  secret_key: string;
  organization_id?: string;
  project_id?: string;
}

/**
 * Validate the key against Scaleway (key → owner's organisation → the organisation's projects),
 * then keep the secret key in the secret store and the rest on the record. A given organisation
 * must be the key's own; a given project must belong to it. Otherwise both are detected.
 */
export async function connectScaleway(d: Deps, userId: string, input: ScalewayConnectInput) {
  const secretKey = secret(input.secret_key);
  const api = scalewayApi(d.config.scaleway, secretKey);
  const key = await api.apiKey(input.access_key);
  const ownerOrg = await api.ownerOrganization(key);
  if (input.organization_id && ownerOrg && input.organization_id.toLowerCase() !== ownerOrg.toLowerCase()) {
    throw new BadRequestError('organization_id is not the organization that owns this API key', { field: 'organization_id', code: 'organization_mismatch' });
  }
  const organizationId = ownerOrg ?? input.organization_id;
  if (!organizationId) {
    throw new BadRequestError('Could not detect the organization of this API key; please provide organization_id', { field: 'organization_id', code: 'organization_required' });
  }
  const projects = await api.projects(organizationId);
  let defaultProject: ScalewayProject | undefined;
  if (input.project_id) {
    defaultProject = projects.find((p) => p.id.toLowerCase() === input.project_id!.toLowerCase());
    if (!defaultProject) throw new BadRequestError('project_id is not a project of this organization', { field: 'project_id', code: 'project_not_in_organization' });
  } else {
    defaultProject = projects.find((p) => p.id === key.default_project_id) ?? projects[0];
  }
  await saveConnection(d, {
    userId,
    provider: 'scaleway',
    accountId: organizationId,
    accountName: defaultProject?.name ?? organizationId,
    metadata: { access_key: input.access_key, organization_id: organizationId, default_project_id: defaultProject?.id ?? null },
    secret: secret({ secret_key: input.secret_key }),
  });
  return { success: true as const, message: scaleway.messages.connected, organization_id: organizationId, projects_count: projects.length };
}

async function secretKeyOf(d: Deps, conn: Connection): Promise<SecretValue<string> | null> {
  if (!conn.secretRef) return null;
  const doc = await d.secrets.get(conn.secretRef);
  const value = doc?.reveal().secret_key;
  return typeof value === 'string' ? secret(value) : null;
}

/**
 * Live check of one connection with its stored key; changes nothing. A refusal (401/403/unknown key)
 * is `auth`; a 5xx, timeout or garbled answer is a `fault`.
 */
export async function checkScaleway(d: Deps, conn: Connection): Promise<CheckResult> {
  try {
    const key = await secretKeyOf(d, conn);
    if (!key) return { ok: false, kind: 'auth', reason: 'The stored Scaleway credentials are missing; reconnect' };
    await scalewayApi(d.config.scaleway, key).apiKey(String(conn.metadata.access_key));
    return { ok: true };
  } catch (e) {
    if (e instanceof ProviderAuthError) return { ok: false, kind: 'auth', reason: `Scaleway rejected the stored API key (HTTP ${e.status}); reconnect with a valid key` };
    if (e instanceof AppError) return { ok: false, kind: 'fault', reason: e.message };
    throw e;
  }
}

/**
 * GET status: check every Scaleway connection in use (connected or error) and record the outcome
 * at once: a refusal or a fault marks it `error` with the reason and keeps the credentials; the next
 * good check brings it back to `connected`. Writes are version-guarded so a check that raced a
 * reconnect does not overwrite it.
 */
export async function scalewayStatus(d: Deps, userId: string) {
  const conns = (await listConnections(d.db, userId, 'scaleway')).filter((c) => c.status === 'connected' || c.status === 'error');
  let connected = false;
  let lastReason: string | undefined;
  for (const conn of conns) {
    const result = await checkScaleway(d, conn);
    await recordCheck(d, conn, result);
    if (result.ok) connected = true;
    else lastReason = result.reason;
  }
  if (connected || conns.length === 0) return { connected, provider: 'scaleway' as const };
  return { connected: false, provider: 'scaleway' as const, status: 'error' as const, reason: lastReason };
}

/** A user asking for status sees the truth at once (see recordLiveCheck); nothing to write when all is well. */
async function recordCheck(d: Deps, conn: Connection, result: CheckResult): Promise<void> {
  if (result.ok && conn.status === 'connected') return;
  await recordLiveCheck(d, conn, result);
}

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
      await recordCheck(d, conn, { ok: false, kind: 'auth', reason: `Scaleway rejected the stored API key (HTTP ${e.status}); reconnect with a valid key` });
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

export async function disconnectScaleway(d: Deps, userId: string) {
  await disconnectWithHooks(d, userId, 'scaleway', scalewayHooks);
  return { success: true as const, message: scaleway.messages.disconnected };
}
