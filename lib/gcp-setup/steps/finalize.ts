import type { Deps } from '../../deps.ts';
import { updateConnectionStatus, writeAudit } from '../../connections/repo.ts';
import { SetupFailure } from '../errors.ts';
import type { StepIds } from '../step.ts';
import { getTask, markSucceeded, STEP, type SetupResult } from '../tasks.ts';
import { stepConnection, stepStarted } from './common.ts';

/** Step 7: FULL or PARTIAL from the per-project checks; the connection becomes `connected`. */
export async function finalizeStep(
  input: StepIds & { root_project_id: string; full_sa_email: string; readonly_sa_email: string; verification: Array<{ project_id: string; verified: boolean }> },
  d: Deps,
): Promise<{ state: 'SUCCESS'; propagation_status: SetupResult['propagation_status'] }> {
  // the progress write, the connection and the task record do not depend on one another
  const [, conn, task] = await Promise.all([stepStarted(d, input, STEP.finalize), stepConnection(d, input), getTask(d.db, input.user_id, input.task_id)]);
  const total = input.verification.length;
  const verified = input.verification.filter((v) => v.verified).length;
  const result: SetupResult = { propagation_status: verified === total ? 'FULL' : 'PARTIAL', verified_projects: verified, total_projects: total };
  // the opt-in org-policy step left what it changed on the record: the user audits it in the result
  const orgPolicy = task?.orgPolicyOutcome;
  if (orgPolicy) result.org_policy = orgPolicy;
  const updated = await updateConnectionStatus(d.db, conn, {
    status: 'connected',
    metadata: {
      ...conn.metadata,
      email: input.account_id,
      root_project: input.root_project_id,
      projects: input.verification.map((v) => v.project_id),
      full_sa_email: input.full_sa_email,
      readonly_sa_email: input.readonly_sa_email,
      propagation_status: result.propagation_status,
    },
  });
  if (!updated) throw new SetupFailure('GCP was disconnected during setup');
  const orgPolicyFailed = 'Org Policy update failed for some projects';
  let message = result.propagation_status === 'FULL' ? 'GCP setup complete' : `Propagation verification: PARTIAL (${verified}/${total} projects)`;
  if (orgPolicy?.failed.length) message = result.propagation_status === 'FULL' ? orgPolicyFailed : `${message}; ${orgPolicyFailed}`;
  await markSucceeded(d.db, input.user_id, input.task_id, result, message);
  await writeAudit(d.db, { userId: input.user_id, action: 'gcp_setup_complete', provider: 'gcp', accountId: input.account_id, detail: { propagation_status: result.propagation_status, verified_projects: verified, total_projects: total, task_id: input.task_id } });
  return { state: 'SUCCESS', propagation_status: result.propagation_status };
}
