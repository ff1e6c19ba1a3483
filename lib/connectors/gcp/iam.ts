import { googleCall, isGoogleApiError, seg, type GoogleCtx } from './google.ts';
import type { IamPolicy } from './crm.ts';

export const saEmail = (accountId: string, projectId: string) => `${accountId}@${projectId}.iam.gserviceaccount.com`;
/** IAM v1's `v1/{+name}` of a service account, under the API root */
const saUrl = (ctx: GoogleCtx, projectId: string, email: string) => `${ctx.cfg.roots.iam}v1/projects/${seg(projectId)}/serviceAccounts/${seg(email)}`;

/** Creates the account unless it exists; an account that already exists (409) is what we wanted. */
export async function ensureServiceAccount(ctx: GoogleCtx, projectId: string, accountId: string, displayName: string, description: string): Promise<{ email: string; created: boolean }> {
  const email = saEmail(accountId, projectId);
  try {
    await googleCall(ctx, 'iam.serviceAccounts.get', { url: saUrl(ctx, projectId, email) });
    return { email, created: false };
  } catch (e) {
    if (!isGoogleApiError(e, 404)) throw e;
  }
  try {
    const sa = await googleCall<{ email?: string }>(ctx, 'iam.serviceAccounts.create', {
      method: 'POST',
      url: `${ctx.cfg.roots.iam}v1/projects/${seg(projectId)}/serviceAccounts`,
      body: { accountId, serviceAccount: { displayName, description } },
    });
    return { email: sa.email ?? email, created: true };
  } catch (e) {
    if (isGoogleApiError(e, 409)) return { email, created: false };
    throw e;
  }
}

export async function getServiceAccountPolicy(ctx: GoogleCtx, projectId: string, email: string): Promise<IamPolicy> {
  return googleCall<IamPolicy>(ctx, 'iam.serviceAccounts.getIamPolicy', { method: 'POST', url: `${saUrl(ctx, projectId, email)}:getIamPolicy` });
}

export async function setServiceAccountPolicy(ctx: GoogleCtx, projectId: string, email: string, policy: IamPolicy): Promise<IamPolicy> {
  return googleCall<IamPolicy>(ctx, 'iam.serviceAccounts.setIamPolicy', { method: 'POST', url: `${saUrl(ctx, projectId, email)}:setIamPolicy`, body: { policy } });
}
