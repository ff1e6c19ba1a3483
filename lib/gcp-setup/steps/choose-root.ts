import type { Deps } from '../../deps.ts';
import { getUserSetting } from '../../db/user-settings.ts';
import { testProjectPermissions } from '../../connectors/gcp/crm.ts';
import { isGoogleApiError, type GoogleCtx } from '../../connectors/gcp/google.ts';
import type { StepIds } from '../step.ts';
import { STEP } from '../tasks.ts';
import { ROOT_SETTING, stepStarted } from './common.ts';
import { stepContext } from './context.ts';

/** What creating the service accounts and granting them roles needs in the root project. */
export const ROOT_PERMISSIONS = ['iam.serviceAccounts.create', 'resourcemanager.projects.setIamPolicy'];

/**
 * Step 2: the project that will hold the service accounts: the user's saved choice, else the first
 * (billed) project where the user may create service accounts and set IAM policy, else the first.
 */
export async function chooseRootStep(input: StepIds & { project_ids: string[] }, d: Deps): Promise<{ root_project_id: string }> {
  const started = stepStarted(d, input, STEP.root);
  const [saved, { ctx }] = await Promise.all([getUserSetting<string>(d.db, input.user_id, ROOT_SETTING), stepContext(d, input)]);
  const root = saved && input.project_ids.includes(saved) ? saved : await firstAdminProject(ctx, input.project_ids);
  await started;
  return { root_project_id: root };
}

async function firstAdminProject(ctx: GoogleCtx, projectIds: string[]): Promise<string> {
  for (const projectId of projectIds) {
    try {
      const held = await testProjectPermissions(ctx, projectId, ROOT_PERMISSIONS);
      if (ROOT_PERMISSIONS.every((p) => held.includes(p))) return projectId;
    } catch (e) {
      if (!isGoogleApiError(e, 403)) throw e;
    }
  }
  return projectIds[0];
}
