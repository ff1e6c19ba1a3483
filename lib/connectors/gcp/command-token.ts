import '../../lazy-core.ts'; // one chunk for what the lazy code shares with its function (lib/lazy-core.ts)
import type { Deps } from '../../deps.ts';
import { getUserSetting } from '../../db/user-settings.ts';
import { ConflictError, ProviderUnavailableError } from '../../errors.ts';
import { log } from '../../log.ts';
import type { SecretValue } from '../../secret-value.ts';
import { requireGcpConnection, ROOT_SETTING } from './connection.ts';
import { isGoogleApiError } from './google.ts';
import { generateAccessToken } from './iam-credentials.ts';
import { userGoogleCtx } from './tokens.ts';

// Apart from service.ts so cloud_tool carries only the IAM Credentials client, not CRM/billing.

/**
 * A short-lived token for running commands: minted by impersonating the read-only account (Ask
 * mode) or the full-access one, never the user's own refresh token.
 */
export async function gcpTokenForUser(d: Deps, userId: string, opts: { readOnly: boolean; lifetimeSeconds?: number }): Promise<{ accessToken: SecretValue<string>; expiresAt: string; serviceAccount: string; projectId: string | null; accountId: string }> {
  const conn = await requireGcpConnection(d, userId);
  const sa = opts.readOnly ? conn.metadata.readonly_sa_email : conn.metadata.full_sa_email;
  if (conn.status !== 'connected' || typeof sa !== 'string') throw new ConflictError('The GCP setup has not completed yet; wait for it or reconnect GCP', { code: 'gcp_setup_incomplete' });
  try {
    const minted = await generateAccessToken(userGoogleCtx(d, conn), sa, opts.lifetimeSeconds ?? 3600);
    return { accessToken: minted.token, expiresAt: minted.expiresAt, serviceAccount: sa, projectId: (await getUserSetting<string>(d.db, userId, ROOT_SETTING)) ?? (typeof conn.metadata.root_project === 'string' ? conn.metadata.root_project : null), accountId: conn.accountId };
  } catch (e) {
    if (isGoogleApiError(e)) {
      log.warn('could not mint a gcp service account token', { status: e.status, reason: e.reason });
      throw new ProviderUnavailableError(e.status === 403 ? 'Google refused to mint a token for the Aurora service account; its permissions may still be propagating' : 'Google Cloud did not answer; try again shortly', { status: e.retryable ? 503 : 502 });
    }
    throw e;
  }
}

