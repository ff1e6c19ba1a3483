import type { Deps } from '../deps.ts';
import { getUserSetting } from '../db/user-settings.ts';
import { updateConnectionStatus } from '../connections/repo.ts';
import { BadRequestError, NotFoundError } from '../errors.ts';
import { findGcpConnection } from '../connectors/gcp/connection.ts';
import { ELIGIBLE_SETTING } from './steps/common.ts';
import { startSetup } from '../connectors/gcp/setup.ts';
import { getTask, toTaskView, type EligibleProject, type TaskView } from './tasks.ts';

/** GET /gcp/setup/status/{task_id}: the owner's task only; anyone else's, like an unknown id, is 404. */
export async function setupStatus(d: Deps, userId: string, taskId: string): Promise<TaskView> {
  const task = await getTask(d.db, userId, taskId, d.now());
  if (!task) throw new NotFoundError('No such GCP setup task', { code: 'task_not_found' });
  return toTaskView(task);
}

/**
 * POST /gcp/post-auth-retry: configure up to GCP_MAX_AUTO_PROJECTS (the number NEEDS_SELECTION
 * announced) of the projects the last NEEDS_SELECTION offered. Ids outside that list are refused
 * (400), so a caller cannot point the setup at projects the setup never found billed and reachable.
 */
export async function retryWithSelection(d: Deps, userId: string, selected: string[]): Promise<{ status: 'started'; task_id: string }> {
  const max = d.config.gcp.maxAutoProjects;
  if (selected.length > max) throw new BadRequestError(`selected_project_ids: select at most ${max} project${max === 1 ? '' : 's'} (GCP_MAX_AUTO_PROJECTS)`, { code: 'too_many_projects', field: 'selected_project_ids' });
  const offered = await getUserSetting<{ account_id: string; projects: EligibleProject[] }>(d.db, userId, ELIGIBLE_SETTING);
  const conn = await findGcpConnection(d, userId, offered?.account_id);
  if (!offered || !conn || conn.status === 'not_connected') {
    throw new BadRequestError('No GCP project selection is pending; connect GCP first', { code: 'no_selection_pending', field: 'selected_project_ids' });
  }
  const eligible = new Set(offered.projects.map((p) => p.project_id));
  const unknown = selected.filter((id) => !eligible.has(id));
  if (unknown.length) throw new BadRequestError(`selected_project_ids: not among your eligible projects: ${unknown.slice(0, 5).join(', ')}`, { code: 'project_not_eligible', field: 'selected_project_ids' });
  await updateConnectionStatus(d.db, conn, { status: 'pending', reason: 'GCP setup in progress' });
  const taskId = await startSetup(d, { userId, accountId: conn.accountId, selected });
  return { status: 'started', task_id: taskId };
}

export { START_FAILED, startSetup } from '../connectors/gcp/setup.ts';
