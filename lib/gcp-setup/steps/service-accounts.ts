import type { Deps } from '../../deps.ts';
import { ensureServiceAccount, getServiceAccountPolicy, setServiceAccountPolicy } from '../../connectors/gcp/iam.ts';
import { grantWithEtag } from '../policy.ts';
import { serviceAccountIds } from '../ids.ts';
import type { StepIds } from '../step.ts';
import { STEP } from '../tasks.ts';
import { stepStarted } from './common.ts';
import { stepContext } from './context.ts';

export const TOKEN_CREATOR = 'roles/iam.serviceAccountTokenCreator';

/**
 * Step 4: the full-access and read-only service accounts in the root project (an account that
 * exists already is reused), and token-creator on both for the user, so commands run on
 * short-lived impersonated tokens rather than the user's own.
 */
export async function createServiceAccountsStep(input: StepIds & { root_project_id: string; project_count: number }, d: Deps): Promise<{ full_sa_email: string; readonly_sa_email: string }> {
  const started = stepStarted(d, input, STEP.accounts);
  const { ctx } = await stepContext(d, input);
  const ids = serviceAccountIds(input.user_id);
  const root = input.root_project_id;
  const [full, readOnly] = await Promise.all([
    ensureServiceAccount(ctx, root, ids.full, 'Aurora full access', 'Used by Aurora in Agent mode; created by the Aurora GCP connector.'),
    ensureServiceAccount(ctx, root, ids.readOnly, 'Aurora read-only', 'Used by Aurora in Ask mode; created by the Aurora GCP connector.'),
  ]);
  // two policies that do not depend on each other: both read-modify-writes at once
  await Promise.all(
    [full, readOnly].map((sa) =>
      grantWithEtag(
        () => getServiceAccountPolicy(ctx, root, sa.email),
        (p) => setServiceAccountPolicy(ctx, root, sa.email, p),
        [{ role: TOKEN_CREATOR, member: `user:${input.account_id}` }],
        { what: `service account ${sa.email}` },
      ),
    ),
  );
  await started;
  return { full_sa_email: full.email, readonly_sa_email: readOnly.email };
}
