import { ProviderAuthError } from '../errors.ts';
import { secret, type SecretValue } from '../secret-value.ts';

/**
 * A usable access token from stored OAuth tokens, for connectors whose provider rotates refresh
 * tokens: each refresh returns a new refresh token and retires the old one (OVH at once;
 * Atlassian after a short reuse interval). The stored token is used while it is not near expiry;
 * otherwise it is refreshed, and the rotated set is stored before the access token is handed out,
 * so a crash never leaves us holding only a retired refresh token. A stale token is never returned.
 *
 * Two refreshes can race (a status check and a command, two Lambdas): the loser's refresh token
 * was just retired, so the provider refuses it. Then the tokens the winner stored are read back
 * and used, as long as they differ from the ones we started from and are fresh.
 */
export interface StoredTokens {
  access_token: string;
  refresh_token?: string;
  /** epoch milliseconds */
  expires_at: number;
}

export interface RefreshPlan<T extends StoredTokens> {
  /** who, for messages: "OVH" */
  provider: string;
  /** the tokens as stored now (null: none) */
  load(): Promise<T | null>;
  /** store rotated tokens where they were (the connection's reference stays valid) */
  save(next: T): Promise<void>;
  /** the refresh grant; a refusal throws ProviderAuthError (OAuthRefusal) */
  refresh(refreshToken: string): Promise<T>;
  /** refresh when the token expires within this many milliseconds */
  skewMs: number;
  nowMs: number;
}

export async function freshAccessToken<T extends StoredTokens>(plan: RefreshPlan<T>): Promise<SecretValue<string>> {
  const fresh = (t: StoredTokens | null) => !!t && t.expires_at - plan.nowMs > plan.skewMs;
  const current = await plan.load();
  if (!current) throw new ProviderAuthError(`The stored ${plan.provider} tokens are missing; reconnect`, { status: 401 });
  if (fresh(current)) return secret(current.access_token);
  if (!current.refresh_token) throw new ProviderAuthError(`The ${plan.provider} access token expired and no refresh token is stored; reconnect`, { status: 401 });
  let next: T;
  try {
    next = await plan.refresh(current.refresh_token);
  } catch (e) {
    const latest = e instanceof ProviderAuthError ? await plan.load() : null;
    if (latest && latest.refresh_token !== current.refresh_token && fresh(latest)) return secret(latest.access_token);
    throw e;
  }
  // A provider that does not rotate answers without a refresh token: the one we have stays valid.
  const doc = { ...next, refresh_token: next.refresh_token ?? current.refresh_token };
  await plan.save(doc);
  return secret(doc.access_token);
}
