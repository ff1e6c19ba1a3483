import type { Deps } from '../../deps.ts';
import { putUserSetting } from '../../db/user-settings.ts';
import { BadRequestError, ProviderUnavailableError } from '../../errors.ts';
import { projectBillingEnabled } from './billing.ts';
import { requireGcpConnection, ROOT_SETTING } from './connection.ts';
import { rootProjectOf } from './root-project.ts';
import { listProjects } from './crm.ts';
import { isGoogleApiError, mapLimit } from './google.ts';
import { userGoogleCtx } from './tokens.ts';

export async function billingOrFalse(ctx: ReturnType<typeof userGoogleCtx>, projectId: string): Promise<boolean> {
  try {
    return await projectBillingEnabled(ctx, projectId);
  } catch (e) {
    if (isGoogleApiError(e, 403) || isGoogleApiError(e, 404)) return false;
    throw e;
  }
}

export interface ProjectView {
  project_id: string;
  name: string;
  billing_enabled: boolean;
  is_root: boolean;
}

/** GET /api/gcp/projects: every project of the account with its billing, live. */
export async function gcpProjects(d: Deps, userId: string): Promise<{ projects: ProjectView[]; root_project: string | null }> {
  const conn = await requireGcpConnection(d, userId);
  const ctx = userGoogleCtx(d, conn);
  const root = await rootProjectOf(d, userId, conn.metadata.root_project);
  try {
    const projects = await listProjects(ctx);
    const billing = await mapLimit(projects, 10, (p) => billingOrFalse(ctx, p.project_id));
    return { projects: projects.map((p, i) => ({ project_id: p.project_id, name: p.name, billing_enabled: billing[i], is_root: p.project_id === root })), root_project: root };
  } catch (e) {
    if (isGoogleApiError(e)) throw new ProviderUnavailableError('Google Cloud did not answer; try again shortly', { status: e.retryable ? 503 : 502 });
    throw e;
  }
}

/** POST /api/gcp/root-project: only a project of the user's account with billing enabled. */
export async function setRootProject(d: Deps, userId: string, projectId: string): Promise<{ root_project: string }> {
  const conn = await requireGcpConnection(d, userId);
  const ctx = userGoogleCtx(d, conn);
  let projects;
  try {
    projects = await listProjects(ctx);
  } catch (e) {
    if (isGoogleApiError(e)) throw new ProviderUnavailableError('Google Cloud did not answer; try again shortly');
    throw e;
  }
  if (!projects.some((p) => p.project_id === projectId)) throw new BadRequestError(`project_id: ${projectId} is not one of your GCP projects`, { code: 'project_not_found', field: 'project_id' });
  if (!(await billingOrFalse(ctx, projectId))) throw new BadRequestError(`project_id: ${projectId} has no active billing`, { code: 'project_without_billing', field: 'project_id' });
  await putUserSetting(d.db, userId, ROOT_SETTING, projectId);
  return { root_project: projectId };
}

export { gcpTokenForUser } from './command-token.ts';
