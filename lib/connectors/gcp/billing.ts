import { googleCall, seg, type GoogleCtx } from './google.ts';

export async function projectBillingEnabled(ctx: GoogleCtx, projectId: string): Promise<boolean> {
  const info = await googleCall<{ billingEnabled?: boolean }>(ctx, 'cloudbilling.projects.getBillingInfo', { url: `${ctx.cfg.roots.billing}v1/projects/${seg(projectId)}/billingInfo` });
  return info.billingEnabled === true;
}
