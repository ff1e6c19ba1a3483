import type { Deps } from '../../deps.ts';
import { getUserSetting } from '../../db/user-settings.ts';
import { testProjectPermissions } from '../../connectors/gcp/crm.ts';
import { isGoogleApiError } from '../../connectors/gcp/google.ts';
import type { StepIds } from '../step.ts';
import { startStep, STEP } from '../tasks.ts';
import { ROOT_SETTING } from './common.ts';
import { stepContext } from './context.ts';

/** What creating the service accounts and granting them roles needs in the root project. */
export const ROOT_PERMISSIONS = ['iam.serviceAccounts.create', 'resourcemanager.projects.setIamPolicy'];

/**
 * Step 2: the project that will hold the service accounts: the user's saved choice, else the first
 * (billed) project where the user may create service accounts and set IAM policy, else the first.
 */
export async function chooseRootStep(input: StepIds & { project_ids: string[] }, d: Deps): Promise<{ root_project_id: string }> {
  await startStep(d.db, input.user_id, input.task_id, STEP.root);
  const saved = await getUserSetting<string>(d.db, input.user_id, ROOT_SETTING);
  if (saved && input.project_ids.includes(saved)) return { root_project_id: saved };
  const { ctx } = await stepContext(d, input);
  for (const projectId of input.project_ids) {
    try {
      const held = await testProjectPermissions(ctx, projectId, ROOT_PERMISSIONS);
      if (ROOT_PERMISSIONS.every((p) => held.includes(p))) return { root_project_id: projectId };
    } catch (e) {
      if (!isGoogleApiError(e, 403)) throw e;
    }
  }
  return { root_project_id: input.project_ids[0] };
}
