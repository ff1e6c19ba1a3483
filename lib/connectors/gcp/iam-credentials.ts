import { secret, type SecretValue } from '../../secret-value.ts';
import { googleCall, seg, type GoogleCtx } from './google.ts';

export const CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';

/** A short-lived access token of a service account, minted by impersonation (the caller needs token-creator on it). */
export async function generateAccessToken(ctx: GoogleCtx, serviceAccountEmail: string, lifetimeSeconds: number): Promise<{ token: SecretValue<string>; expiresAt: string }> {
  const r = await googleCall<{ accessToken?: string; expireTime?: string }>(ctx, 'iamcredentials.generateAccessToken', {
    method: 'POST',
    url: `${ctx.cfg.roots.iamCredentials}v1/projects/-/serviceAccounts/${seg(serviceAccountEmail)}:generateAccessToken`,
    body: { scope: [CLOUD_PLATFORM_SCOPE], lifetime: `${lifetimeSeconds}s` },
  });
  return { token: secret(r.accessToken ?? ''), expiresAt: r.expireTime ?? new Date(Date.now() + lifetimeSeconds * 1000).toISOString() };
}
