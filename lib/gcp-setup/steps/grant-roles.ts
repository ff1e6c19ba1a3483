import type { Deps } from '../../deps.ts';
import { getProjectPolicy, setProjectPolicy } from '../../connectors/gcp/crm.ts';
import { grantWithEtag, type Grant } from '../policy.ts';
import { markProjectDone, STEP } from '../tasks.ts';
import { stepStarted, type ProjectStepInput } from './common.ts';
import { stepContext } from './context.ts';

/**
 * Step 5, per project: the configured roles for both accounts, by etag read-modify-write of the
 * project policy. Project level only: no organisation-level grant is ever made.
 */
export async function grantRolesStep(input: ProjectStepInput & { full_sa_email: string; readonly_sa_email: string }, d: Deps): Promise<{ project_id: string }> {
  const started = stepStarted(d, input, STEP.roles, input.project_count);
  const { ctx } = await stepContext(d, input);
  const cfg = d.config.gcp;
  const grants: Grant[] = [
    ...cfg.fullAccessRoles.map((role) => ({ role, member: `serviceAccount:${input.full_sa_email}` })),
    ...cfg.readOnlyRoles.map((role) => ({ role, member: `serviceAccount:${input.readonly_sa_email}` })),
  ];
  await grantWithEtag(
    () => getProjectPolicy(ctx, input.project_id),
    (p) => setProjectPolicy(ctx, input.project_id, p),
    grants,
    { what: `project ${input.project_id}` },
  );
  await started;
  await markProjectDone(d.db, input.user_id, input.task_id, STEP.roles, input.project_id);
  return { project_id: input.project_id };
}
