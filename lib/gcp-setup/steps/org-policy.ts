import type { Deps } from '../../deps.ts';
import { writeAudit } from '../../connections/repo.ts';
import { log } from '../../log.ts';
import { GoogleApiError, mapLimit } from '../../connectors/gcp/google.ts';
import { allowAllMemberDomains, DOMAIN_RESTRICTED_SHARING } from '../../connectors/gcp/org-policy.ts';
import type { StepIds } from '../step.ts';
import { markProjectDone, recordOrgPolicyOutcome, STEP, type OrgPolicyOutcome } from '../tasks.ts';
import { stepContext } from './context.ts';
import { stepStarted } from './common.ts';

/**
 * Opt-in step (GCP_ORG_POLICY_ALLOW_PUBLIC_CLOUD_RUN) between the role grants and verification:
 * a project-level "allow all" override of domain-restricted sharing on each configured project,
 * so Cloud Run services there can be made public. Never the organisation's policy. A project
 * where Google refuses (no orgpolicy.policy.set, a parent that forbids overrides...) is reported
 * in the result, not fatal: the accounts work without it. What changed goes into the task record
 * and the audit log, since it weakens a control the user's organisation chose.
 */
export async function configureOrgPolicyStep(input: StepIds & { project_ids: string[]; project_count: number }, d: Deps): Promise<{ updated: number; failed: number }> {
  // The flag in the execution state came from config; config is still the authority (an old
  // execution input cannot switch it on once the setting is off).
  if (!d.config.gcp.orgPolicyAllowPublicCloudRun) return { updated: 0, failed: 0 };
  const started = stepStarted(d, input, STEP.orgPolicy, input.project_count);
  const { ctx } = await stepContext(d, input);
  // markProjectDone moves within the step this write starts
  await started;
  const results = await mapLimit(input.project_ids, 5, async (projectId) => {
    try {
      await allowAllMemberDomains(ctx, projectId);
      await markProjectDone(d.db, input.user_id, input.task_id, STEP.orgPolicy, projectId);
      return { project_id: projectId, ok: true as const };
    } catch (e) {
      if (!(e instanceof GoogleApiError)) throw e;
      log.warn('gcp org policy override failed', { projectId, status: e.status, reason: e.reason });
      return { project_id: projectId, ok: false as const, reason: e.message.slice(0, 300) };
    }
  });
  const updated = results.filter((r) => r.ok).map((r) => r.project_id);
  const outcome: OrgPolicyOutcome = {
    constraint: DOMAIN_RESTRICTED_SHARING,
    change: 'project-level override: allowAll',
    updated: updated.length,
    updated_projects: updated,
    failed: results.flatMap((r) => (r.ok ? [] : [{ project_id: r.project_id, reason: r.reason }])),
  };
  await recordOrgPolicyOutcome(d.db, input.user_id, input.task_id, outcome);
  await writeAudit(d.db, { userId: input.user_id, action: 'gcp_org_policy_override', provider: 'gcp', accountId: input.account_id, detail: { ...outcome, task_id: input.task_id } });
  return { updated: outcome.updated, failed: outcome.failed.length };
}
