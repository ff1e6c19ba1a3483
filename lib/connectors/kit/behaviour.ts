import type { Deps } from '../../deps.ts';
import type { Connection, ConnectionMetadata } from '../../connections/types.ts';
import { AppError, ProviderAuthError } from '../../errors.ts';

/**
 * The shapes of a connector's behaviour files. Each file has a fixed name and export, so
 * `npm run gen` (scripts/gen.ts) can find it and the generic routes can call it:
 *   check.ts  `check`    live check of stored credentials (status, reconnect, scheduled re-validation)
 *   verify.ts `verify`   validate a connect form against the provider (the generic connect route)
 *   revoke.ts `revoke`, `cleanupUser`   what a disconnect removes at the provider and per user
 *   exec.ts   `exec`     how a CLI gets the user's credentials (cloud_tool), see ./exec.ts
 *   commands.ts `<id>Commands`  cloud_tool commands served from the provider's API, see ./api-commands.ts
 *   routes.ts `<id>Routes`  the connector's own routes; oauthStart / oauthCallback: its OAuth flow
 */

/**
 * Outcome of a live check. `auth`: the provider refused the credentials (reconnect needed).
 * `fault`: 5xx, timeout, 429. `fields`: values for the connector's status fields whose source is
 * `check` (lib/connectors/kit/define.ts).
 */
export type CheckResult =
  | { ok: true; accountName?: string; metadata?: ConnectionMetadata; fields?: Record<string, string | boolean | null> }
  | { ok: false; kind: 'auth' | 'fault'; reason: string };

/**
 * Why a check runs. `status`: a user asks (cheap, and may read what the status fields show);
 * `reconnect`: the user brings a kept connection back, OAuth connectors refresh their token;
 * `revalidate`: the scheduled re-validation (keeps refresh tokens alive).
 */
export type CheckPurpose = 'status' | 'reconnect' | 'revalidate';

/** A live check that changes nothing but the credentials' own freshness (a refreshed token). */
export type ConnectorCheck = (d: Deps, conn: Connection, opts: { purpose: CheckPurpose }) => Promise<CheckResult>;

/**
 * The one mapping from an error thrown during a check to its result: the provider refusing
 * (ProviderAuthError, or a 404 for a resource the credentials named) is `auth`, any other AppError
 * (unavailable, timed out, unreadable) a `fault`; anything else is a bug and propagates.
 */
export function checkFailure(e: unknown, say: { refused: (e: ProviderAuthError) => string; notFound?: (e: AppError) => string }): CheckResult {
  if (e instanceof ProviderAuthError) return { ok: false, kind: 'auth', reason: say.refused(e) };
  if (e instanceof AppError && e.status === 404 && say.notFound) return { ok: false, kind: 'auth', reason: say.notFound(e) };
  if (e instanceof AppError) return { ok: false, kind: 'fault', reason: e.message };
  throw e;
}

/** What a disconnect removes besides our copy of the credentials and the records (revoke.ts). */
export interface RevokeHooks {
  /** revoke at the provider what we created (tokens, keys); a failure is logged and the disconnect goes on */
  revoke?(d: Deps, conn: Connection): Promise<void>;
  /** per-user leftovers once the connector's last account is gone (an SSH key pair, leases) */
  cleanupUser?(d: Deps, userId: string): Promise<void>;
  /**
   * What we keep beside the connection (its webhook registration and signing secret, see
   * lib/webhooks/release.ts): runs after `revoke`, while the credentials are still there, and must
   * succeed, so a failure stops the disconnect and a retry can finish it.
   */
  release?(d: Deps, conn: Connection): Promise<void>;
}

/** verify.ts: the connect form checked against the provider; what to keep and what to answer. */
export interface Verified {
  accountId: string;
  accountName: string;
  /** non-secret facts for the record; never a secret field of the form */
  metadata: ConnectionMetadata;
  /** the connect route's answer (the connector's `connect.response` shape) */
  response: Record<string, unknown>;
  /** after the record is written (e.g. remember a token minted while verifying) */
  after?: (conn: Connection) => Promise<void>;
}
export type Verify = (d: Deps, userId: string, input: Record<string, string | undefined>) => Promise<Verified>;

/** OAuth connectors: `oauthStart` and `oauthCallback` (lib/oauth/flow.ts defines them). */
export type { OAuthCallbackHook, OAuthStartHook } from '../../oauth/flow.ts';
