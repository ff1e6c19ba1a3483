import type { Deps } from '../../deps.ts';
import { putUserSetting } from '../../db/user-settings.ts';
import { updateConnectionStatus } from '../../connections/repo.ts';
import { listProjects } from '../../connectors/gcp/crm.ts';
import { projectBillingEnabled } from '../../connectors/gcp/billing.ts';
import { isGoogleApiError, mapLimit } from '../../connectors/gcp/google.ts';
import { SetupFailure } from '../errors.ts';
import type { StepIds } from '../step.ts';
import { markNeedsSelection, markOrgPolicyPlanned, STEP, type EligibleProject } from '../tasks.ts';
import { ELIGIBLE_SETTING, stepStarted } from './common.ts';
import { stepContext } from './context.ts';

export interface ListProjectsOutput {
  needs_selection: boolean;
  project_ids: string[];
  project_count: number;
  /** run the opt-in org-policy step (GCP_ORG_POLICY_ALLOW_PUBLIC_CLOUD_RUN) */
  org_policy: boolean;
}

/**
 * Step 1: the account's projects (every page) and their billing. No project, or none billed, ends
 * the setup with the message the user can act on; more billed projects than we configure unasked
 * ends it in NEEDS_SELECTION with the eligible ones (POST /gcp/post-auth-retry continues).
 */
export async function listProjectsStep(input: StepIds & { selected_project_ids?: string[] }, d: Deps): Promise<ListProjectsOutput> {
  const started = stepStarted(d, input, STEP.projects);
  const { conn, ctx } = await stepContext(d, input);
  const all = await listProjects(ctx);
  await started;
  if (all.length === 0) throw new SetupFailure('No GCP projects found during login');
  const selected = input.selected_project_ids ?? [];
  const candidates = selected.length ? all.filter((p) => selected.includes(p.project_id)) : all;
  const billed = (
    await mapLimit(candidates, 10, async (p) => {
      try {
        return (await projectBillingEnabled(ctx, p.project_id)) ? p : null;
      } catch (e) {
        // billing we may not read counts as no billing: we could not enable APIs there either
        if (isGoogleApiError(e, 403)) return null;
        throw e;
      }
    })
  ).filter((p): p is EligibleProject => p !== null);
  if (billed.length === 0) throw new SetupFailure('No GCP project with active billing found');
  const max = d.config.gcp.maxAutoProjects;
  if (selected.length === 0 && billed.length > max) {
    await putUserSetting(d.db, input.user_id, ELIGIBLE_SETTING, { account_id: input.account_id, projects: billed });
    // the task last: it completes the setup for whoever polls it, who then reads the connection
    await updateConnectionStatus(d.db, conn, { status: 'pending', reason: `Choose up to ${max} GCP project${max === 1 ? '' : 's'} to finish the setup` });
    await markNeedsSelection(d.db, input.user_id, input.task_id, billed, max);
    return { needs_selection: true, project_ids: [], project_count: 0, org_policy: false };
  }
  const orgPolicy = d.config.gcp.orgPolicyAllowPublicCloudRun;
  if (orgPolicy) await markOrgPolicyPlanned(d.db, input.user_id, input.task_id);
  return { needs_selection: false, project_ids: billed.map((p) => p.project_id), project_count: billed.length, org_policy: orgPolicy };
}
