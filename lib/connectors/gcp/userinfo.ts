import { googleCall, type GoogleCtx } from './google.ts';

/** The Google account behind a token: its email is the connection's account_id. */
export async function userinfo(ctx: GoogleCtx): Promise<{ email: string; emailVerified: boolean }> {
  const r = await googleCall<{ email?: string; email_verified?: boolean | string }>(ctx, 'openidconnect.userinfo', { url: ctx.cfg.userinfoUrl });
  return { email: (r.email ?? '').toLowerCase(), emailVerified: r.email_verified === true || r.email_verified === 'true' };
}
