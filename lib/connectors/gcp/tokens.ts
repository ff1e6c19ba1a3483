import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { DeleteCommand, GetCommand, PutCommand, QueryCommand } from '../../db/dynamodb.ts';
import type { Deps } from '../../deps.ts';
import { epochSeconds, isConditionalCheckFailed } from '../../db/client.ts';
import { updateConnectionStatus, userPk, writeAudit } from '../../connections/repo.ts';
import type { Connection } from '../../connections/types.ts';
import { ConfigError, ProviderUnavailableError } from '../../errors.ts';
import { log } from '../../log.ts';
import { providerFetch } from '../../provider-http.ts';
import { secret, type SecretValue } from '../../secret-value.ts';
import { OAuthRefusal } from '../../oauth/errors.ts';
import { expiresAt, tokenRequest, type TokenEndpoint, type TokenSet } from '../../oauth/token.ts';
import { secretPath, type SecretDocument } from '../../secrets/port.ts';
import type { GcpConfig, GoogleCtx } from './google.ts';
import { GcpReauthRequiredError, REAUTH_MESSAGE } from './errors.ts';

export { GcpReauthRequiredError, REAUTH_MESSAGE } from './errors.ts';

/** The Google token set as kept in the secret store (and nowhere else). */
export interface GcpTokenDoc {
  access_token: string;
  refresh_token?: string;
  /** epoch milliseconds */
  expiry_date: number;
  scope?: string;
  token_type?: string;
}

export function requireClient(cfg: GcpConfig): { clientId: string; clientSecret: string } {
  if (!cfg.clientId || !cfg.clientSecret) {
    throw new ConfigError('GCP login is not configured: set CLIENT_ID and CLIENT_SECRET (Google OAuth client of type "Web application")', { field: cfg.clientId ? 'CLIENT_SECRET' : 'CLIENT_ID' });
  }
  return { clientId: cfg.clientId, clientSecret: cfg.clientSecret };
}

function toDoc(t: TokenSet, now: number, previousRefresh?: string): GcpTokenDoc {
  return {
    access_token: t.access_token,
    // Google omits refresh_token on refresh (and sometimes on re-consent): keep the one we have.
    refresh_token: t.refresh_token ?? previousRefresh,
    expiry_date: expiresAt(t, now),
    scope: t.scope,
    token_type: t.token_type ?? 'Bearer',
  };
}

/**
 * Google's token endpoint through the one OAuth token request (lib/oauth/token.ts). It is safe to
 * repeat for a refresh grant; a code can only be redeemed once, but a lost answer to a redemption
 * is as bad as a failed one, so faults there are retried too.
 */
function googleTokenEndpoint(cfg: GcpConfig): TokenEndpoint {
  const { clientId, clientSecret } = requireClient(cfg);
  return { provider: 'Google OAuth', tokenUrl: cfg.tokenUrl, clientId, clientSecret: secret(clientSecret), timeoutMs: cfg.httpTimeoutMs, attempts: cfg.httpAttempts };
}

/** Authorization code + PKCE verifier → token set. A code Google refuses throws OAuthRefusal (invalid_grant...). */
export async function exchangeCode(cfg: GcpConfig, input: { code: string; codeVerifier?: string; redirectUri: string }, now: number): Promise<GcpTokenDoc> {
  const t = await tokenRequest(googleTokenEndpoint(cfg), { grant_type: 'authorization_code', code: input.code, redirect_uri: input.redirectUri, ...(input.codeVerifier ? { code_verifier: input.codeVerifier } : {}) });
  return toDoc(t, now);
}

async function refreshGrant(cfg: GcpConfig, refreshToken: string, now: number): Promise<GcpTokenDoc | 'reauth'> {
  try {
    return toDoc(await tokenRequest(googleTokenEndpoint(cfg), { grant_type: 'refresh_token', refresh_token: refreshToken }), now, refreshToken);
  } catch (e) {
    // invalid_grant (revoked, expired, invalid_rapt) and any other refusal of the refresh token
    if (e instanceof OAuthRefusal) return 'reauth';
    throw e;
  }
}

export async function revokeToken(cfg: GcpConfig, token: string): Promise<void> {
  const res = await providerFetch('Google OAuth', cfg.revokeUrl, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ token }).toString() }, { idempotent: true, timeoutMs: cfg.httpTimeoutMs, attempts: 2 });
  // 400 invalid_token: already revoked or expired, which is what we wanted
  if (res.status >= 300 && res.status !== 400) throw new ProviderUnavailableError(`Google token revocation answered HTTP ${res.status}`);
}

export function readTokenDoc(value: SecretValue<SecretDocument> | null): GcpTokenDoc | null {
  const doc = value?.reveal() as Partial<GcpTokenDoc> | undefined;
  if (!doc || typeof doc.access_token !== 'string') return null;
  return { access_token: doc.access_token, refresh_token: typeof doc.refresh_token === 'string' && doc.refresh_token ? doc.refresh_token : undefined, expiry_date: Number(doc.expiry_date) || 0, scope: doc.scope, token_type: doc.token_type };
}

// ---- the refresh engine ----

const leaseKey = (conn: Pick<Connection, 'userId' | 'accountId'>) => ({ pk: userPk(conn.userId), sk: `GCPLEASE#${conn.accountId}` });
const LEASE_POLL_MS = 50;

async function acquireLease(d: Deps, conn: Connection, owner: string): Promise<boolean> {
  const now = d.now();
  try {
    await d.db.doc.send(
      new PutCommand({
        TableName: d.db.table,
        Item: { ...leaseKey(conn), kind: 'gcp_token_lease', owner, leaseUntil: now + d.config.gcp.leaseMs, expiresAt: epochSeconds(now) + 3600 },
        ConditionExpression: 'attribute_not_exists(pk) OR leaseUntil < :now',
        ExpressionAttributeValues: { ':now': now },
      }),
    );
    return true;
  } catch (e) {
    if (isConditionalCheckFailed(e)) return false;
    throw e;
  }
}

async function releaseLease(d: Deps, conn: Connection, owner: string): Promise<void> {
  await d.db.doc
    .send(new DeleteCommand({ TableName: d.db.table, Key: leaseKey(conn), ConditionExpression: '#o = :me', ExpressionAttributeNames: { '#o': 'owner' }, ExpressionAttributeValues: { ':me': owner } }))
    .catch((e) => {
      if (!isConditionalCheckFailed(e)) log.warn('could not release the token lease; it expires by itself', { error: e });
    });
}

async function leaseHeld(d: Deps, conn: Connection): Promise<boolean> {
  const r = await d.db.doc.send(new GetCommand({ TableName: d.db.table, Key: leaseKey(conn), ConsistentRead: true }));
  return !!r.Item && (r.Item.leaseUntil as number) >= d.now();
}

/** Drop every refresh lease of a user (disconnect). */
export async function deleteLeases(d: Deps, userId: string): Promise<void> {
  const r = await d.db.doc.send(new QueryCommand({ TableName: d.db.table, KeyConditionExpression: 'pk = :pk AND begins_with(sk, :p)', ExpressionAttributeValues: { ':pk': userPk(userId), ':p': 'GCPLEASE#' } }));
  for (const item of r.Items ?? []) await d.db.doc.send(new DeleteCommand({ TableName: d.db.table, Key: { pk: item.pk, sk: item.sk } }));
}

/**
 * A read that skips the in-process secret cache: after waiting on another function's refresh,
 * the cached copy predates it. (Writes through this container already invalidate the cache.)
 */
async function readFresh(d: Deps, ref: string): Promise<GcpTokenDoc | null> {
  (d.secrets as { clear?: () => void }).clear?.();
  return readTokenDoc(await d.secrets.get(ref));
}

async function markReauthRequired(d: Deps, conn: Connection, record = true): Promise<never> {
  if (!record) throw new GcpReauthRequiredError();
  await updateConnectionStatus(d.db, conn, { status: 'error', reason: REAUTH_MESSAGE });
  await writeAudit(d.db, { userId: conn.userId, action: 'token_refresh_failed', provider: 'gcp', accountId: conn.accountId, detail: { reason: 'reauth_required' } });
  throw new GcpReauthRequiredError();
}

const fresh = (d: Deps, doc: GcpTokenDoc | null): doc is GcpTokenDoc => !!doc && doc.expiry_date - d.config.gcp.refreshSkewMs > d.now();

/**
 * The user's Google access token, refreshed ahead of expiry. Concurrent functions refresh once:
 * the first takes a DynamoDB lease and refreshes, the others wait briefly and reuse what it
 * stored. invalid_grant / invalid_rapt put the connection in `error` (re-authentication needed);
 * 5xx and timeouts are retried with backoff and then reported as unavailable, changing nothing.
 */
export async function userAccessToken(d: Deps, conn: Connection, opts: { force?: boolean; recordFailure?: boolean } = {}): Promise<SecretValue<string>> {
  const reauth = () => markReauthRequired(d, conn, opts.recordFailure ?? true);
  if (!conn.secretRef) return await reauth();
  let doc = readTokenDoc(await d.secrets.get(conn.secretRef));
  if (!doc) return await reauth();
  if (!opts.force && fresh(d, doc)) return secret(doc.access_token);
  const stale = doc.access_token;
  const owner = randomUUID();
  const deadline = d.now() + 2 * d.config.gcp.leaseMs;
  while (d.now() < deadline) {
    if (await acquireLease(d, conn, owner)) {
      try {
        doc = await readFresh(d, conn.secretRef);
        if (!doc) return await reauth();
        // someone refreshed between our read and our lease
        if (doc.access_token !== stale && fresh(d, doc)) return secret(doc.access_token);
        if (!doc.refresh_token) return await reauth();
        const next = await refreshGrant(d.config.gcp, doc.refresh_token, d.now());
        if (next === 'reauth') return await reauth();
        await d.secrets.put(secretPathOf(conn), secret(next as unknown as SecretDocument));
        log.info('gcp access token refreshed', { userId: conn.userId, accountId: conn.accountId });
        return secret(next.access_token);
      } finally {
        await releaseLease(d, conn, owner);
      }
    }
    // Another function is refreshing: wait for it to finish, then use what it stored.
    while ((await leaseHeld(d, conn)) && d.now() < deadline) await sleep(LEASE_POLL_MS);
    doc = await readFresh(d, conn.secretRef);
    if (!doc) return await reauth();
    if (doc.access_token !== stale && fresh(d, doc)) return secret(doc.access_token);
  }
  throw new ProviderUnavailableError('Timed out waiting for the Google token refresh');
}

/** The same path saveConnection wrote, so a refresh replaces the secret in place and the record's ref stays valid. */
function secretPathOf(conn: Connection): string {
  return secretPath(conn.userId, 'gcp', conn.accountId);
}

/** A GoogleCtx acting as the user: the stored OAuth token, refreshed by the engine. */
export function userGoogleCtx(d: Deps, conn: Connection): GoogleCtx {
  return {
    cfg: d.config.gcp,
    auth: {
      token: () => userAccessToken(d, conn),
      renew: () => userAccessToken(d, conn, { force: true }),
    },
  };
}
