import { iam_v1 } from '@googleapis/iam/build/v1.js';
import { googleCall, isGoogleApiError, requestOptions, type GoogleCtx } from './google.ts';
import type { IamPolicy } from './crm.ts';

const iam = (ctx: GoogleCtx, auth: iam_v1.Options['auth']) => new iam_v1.Iam({ auth, rootUrl: ctx.cfg.roots.iam });

export const saEmail = (accountId: string, projectId: string) => `${accountId}@${projectId}.iam.gserviceaccount.com`;
const saName = (projectId: string, email: string) => `projects/${projectId}/serviceAccounts/${email}`;

/** Creates the account unless it exists; an account that already exists (409) is what we wanted. */
export async function ensureServiceAccount(ctx: GoogleCtx, projectId: string, accountId: string, displayName: string, description: string): Promise<{ email: string; created: boolean }> {
  const email = saEmail(accountId, projectId);
  try {
    await googleCall(ctx, 'iam.serviceAccounts.get', (auth) => iam(ctx, auth).projects.serviceAccounts.get({ name: saName(projectId, email) }, requestOptions(ctx.cfg)));
    return { email, created: false };
  } catch (e) {
    if (!isGoogleApiError(e, 404)) throw e;
  }
  try {
    const sa = await googleCall(ctx, 'iam.serviceAccounts.create', (auth) =>
      iam(ctx, auth).projects.serviceAccounts.create({ name: `projects/${projectId}`, requestBody: { accountId, serviceAccount: { displayName, description } } }, requestOptions(ctx.cfg)),
    );
    return { email: sa.email ?? email, created: true };
  } catch (e) {
    if (isGoogleApiError(e, 409)) return { email, created: false };
    throw e;
  }
}

export async function getServiceAccountPolicy(ctx: GoogleCtx, projectId: string, email: string): Promise<IamPolicy> {
  return (await googleCall(ctx, 'iam.serviceAccounts.getIamPolicy', (auth) => iam(ctx, auth).projects.serviceAccounts.getIamPolicy({ resource: saName(projectId, email) }, requestOptions(ctx.cfg)))) as IamPolicy;
}

export async function setServiceAccountPolicy(ctx: GoogleCtx, projectId: string, email: string, policy: IamPolicy): Promise<IamPolicy> {
  return (await googleCall(ctx, 'iam.serviceAccounts.setIamPolicy', (auth) =>
    iam(ctx, auth).projects.serviceAccounts.setIamPolicy({ resource: saName(projectId, email), requestBody: { policy: policy as iam_v1.Schema$Policy } }, requestOptions(ctx.cfg)),
  )) as IamPolicy;
}
