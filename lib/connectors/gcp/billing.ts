import { restCall, type GoogleCtx } from './google.ts';

/**
 * Cloud Billing has no per-API npm package, so its one call goes through the OAuth2Client's
 * request() with the same token, retries and error mapping as the others.
 */
export async function projectBillingEnabled(ctx: GoogleCtx, projectId: string): Promise<boolean> {
  const info = await restCall<{ billingEnabled?: boolean }>(ctx, 'cloudbilling.projects.getBillingInfo', `${ctx.cfg.roots.billing}v1/projects/${encodeURIComponent(projectId)}/billingInfo`);
  return info.billingEnabled === true;
}
