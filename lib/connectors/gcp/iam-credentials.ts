import { iamcredentials_v1 } from '@googleapis/iamcredentials';
import { secret, type SecretValue } from '../../secret-value.ts';
import { googleCall, requestOptions, type GoogleCtx } from './google.ts';

export const CLOUD_PLATFORM_SCOPE = 'https://www.googleapis.com/auth/cloud-platform';

/** A short-lived access token of a service account, minted by impersonation (the caller needs token-creator on it). */
export async function generateAccessToken(ctx: GoogleCtx, serviceAccountEmail: string, lifetimeSeconds: number): Promise<{ token: SecretValue<string>; expiresAt: string }> {
  const r = await googleCall(ctx, 'iamcredentials.generateAccessToken', (auth) =>
    new iamcredentials_v1.Iamcredentials({ auth, rootUrl: ctx.cfg.roots.iamCredentials }).projects.serviceAccounts.generateAccessToken(
      { name: `projects/-/serviceAccounts/${serviceAccountEmail}`, requestBody: { scope: [CLOUD_PLATFORM_SCOPE], lifetime: `${lifetimeSeconds}s` } },
      requestOptions(ctx.cfg),
    ),
  );
  return { token: secret(r.accessToken ?? ''), expiresAt: r.expireTime ?? new Date(Date.now() + lifetimeSeconds * 1000).toISOString() };
}
