import { createHash, randomBytes } from 'node:crypto';
import { DeleteCommand, PutCommand } from '../db/dynamodb.ts';
import type { Db } from '../db/client.ts';
import { epochSeconds, isConditionalCheckFailed, nowIso } from '../db/client.ts';
import { newBinding } from './binding.ts';

/**
 * OAuth `state`: random, single-use, short-lived and bound to the user who started the flow and to
 * the browser that started it. (The reference implementation put the user id in clear text in
 * `state`, so anyone could attach their Google tokens to someone else's account.) The table keys
 * the item by a hash of the state, and consuming it is one conditional delete, so a replay finds
 * nothing. The browser binding is the hash of a nonce the starting browser holds in an HttpOnly
 * cookie (lib/oauth/binding.ts); the nonce itself is never stored.
 *
 * The PKCE verifier lives on this item for at most ten minutes. It is not a credential on its own:
 * redeeming a code also takes the code (which only ever reaches our callback) and our OAuth client
 * secret (a deployment secret only the service holds), and the item is deleted on first use.
 */
export const STATE_TTL_SECONDS = 600;

export interface OAuthStateRecord {
  userId: string;
  /** the connector id the flow belongs to */
  provider: string;
  /** PKCE S256 verifier for the token exchange; absent for a provider without PKCE */
  codeVerifier?: string;
  /** OVH region, or anything else the callback must know */
  region?: string;
  redirectUri: string;
  /** sha256 of the browser-binding nonce (base64url) */
  bindingHash?: string;
  createdAt: string;
}

const key = (state: string) => {
  const h = createHash('sha256').update(state).digest('base64url');
  return { pk: `OAUTHSTATE#${h}`, sk: 'STATE' };
};

export function pkcePair(): { verifier: string; challenge: string; method: 'S256' } {
  const verifier = randomBytes(48).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  return { verifier, challenge, method: 'S256' };
}

export interface CreatedState {
  state: string;
  /** PKCE challenge (S256), unless `pkce: false` */
  codeChallenge: string;
  codeChallengeMethod: 'S256';
  /** goes to the starting browser only, in the binding cookie */
  nonce: string;
}

export async function createOAuthState(
  db: Db,
  input: { userId: string; provider: string; redirectUri: string; region?: string; pkce?: boolean },
  nowMs = Date.now(),
): Promise<CreatedState> {
  const state = randomBytes(32).toString('base64url');
  const pkce = pkcePair();
  const binding = newBinding();
  const record: OAuthStateRecord = {
    userId: input.userId,
    provider: input.provider,
    codeVerifier: input.pkce === false ? undefined : pkce.verifier,
    region: input.region,
    redirectUri: input.redirectUri,
    bindingHash: binding.hash,
    createdAt: nowIso(),
  };
  await db.doc.send(
    new PutCommand({
      TableName: db.table,
      Item: { ...key(state), kind: 'oauth_state', ...record, expiresAt: epochSeconds(nowMs) + STATE_TTL_SECONDS },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
  return { state, codeChallenge: pkce.challenge, codeChallengeMethod: pkce.method, nonce: binding.nonce };
}

export type ConsumeResult = { ok: true; record: OAuthStateRecord } | { ok: false; reason: 'missing' | 'unknown_or_used' | 'expired' | 'wrong_provider' };

/** Take the state exactly once. Unknown, used, expired and other-provider states all fail. */
export async function consumeOAuthState(db: Db, state: string | undefined, provider: string, nowMs = Date.now()): Promise<ConsumeResult> {
  if (!state || state.length > 256) return { ok: false, reason: 'missing' };
  let item: Record<string, unknown> | undefined;
  try {
    const r = await db.doc.send(new DeleteCommand({ TableName: db.table, Key: key(state), ConditionExpression: 'attribute_exists(pk)', ReturnValues: 'ALL_OLD' }));
    item = r.Attributes;
  } catch (e) {
    if (isConditionalCheckFailed(e)) return { ok: false, reason: 'unknown_or_used' };
    throw e;
  }
  if (!item) return { ok: false, reason: 'unknown_or_used' };
  if ((item.expiresAt as number) <= Math.floor(nowMs / 1000)) return { ok: false, reason: 'expired' };
  if (item.provider !== provider) return { ok: false, reason: 'wrong_provider' };
  return {
    ok: true,
    record: {
      userId: item.userId as string,
      provider: item.provider as string,
      codeVerifier: item.codeVerifier as string | undefined,
      region: item.region as string | undefined,
      redirectUri: item.redirectUri as string,
      bindingHash: item.bindingHash as string | undefined,
      createdAt: item.createdAt as string,
    },
  };
}
