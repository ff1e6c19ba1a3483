import { createHash, randomBytes } from 'node:crypto';
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import type { Db } from '../db/client.ts';
import { epochSeconds, isConditionalCheckFailed, nowIso } from '../db/client.ts';
import type { ProviderId } from '../connectors/generated/ids.ts';

/**
 * OAuth `state`: random, single-use, short-lived and bound to the user who started the flow.
 * (The reference implementation put the user id in clear text in `state`, so anyone could attach
 * their Google tokens to someone else's account.) The table keys the item by a hash of the state,
 * and consuming it is one conditional delete, so a replay finds nothing.
 *
 * The PKCE verifier lives on this item for at most ten minutes. It is not a credential on its own:
 * redeeming a code also takes the code (which only ever reaches our callback) and our OAuth client
 * secret (a deployment secret only the service holds), and the item is deleted on first use.
 */
export const STATE_TTL_SECONDS = 600;

export interface OAuthStateRecord {
  userId: string;
  provider: ProviderId;
  /** PKCE S256 verifier for the token exchange */
  codeVerifier: string;
  /** OVH region, or anything else the callback must know */
  region?: string;
  redirectUri: string;
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

export async function createOAuthState(
  db: Db,
  input: { userId: string; provider: ProviderId; redirectUri: string; region?: string },
  nowMs = Date.now(),
): Promise<{ state: string; codeChallenge: string; codeChallengeMethod: 'S256' }> {
  const state = randomBytes(32).toString('base64url');
  const pkce = pkcePair();
  const record: OAuthStateRecord = { userId: input.userId, provider: input.provider, codeVerifier: pkce.verifier, region: input.region, redirectUri: input.redirectUri, createdAt: nowIso() };
  await db.doc.send(
    new PutCommand({
      TableName: db.table,
      Item: { ...key(state), kind: 'oauth_state', ...record, expiresAt: epochSeconds(nowMs) + STATE_TTL_SECONDS },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
  return { state, codeChallenge: pkce.challenge, codeChallengeMethod: pkce.method };
}

export type ConsumeResult = { ok: true; record: OAuthStateRecord } | { ok: false; reason: 'missing' | 'unknown_or_used' | 'expired' | 'wrong_provider' };

/** Take the state exactly once. Unknown, used, expired and other-provider states all fail. */
export async function consumeOAuthState(db: Db, state: string | undefined, provider: ProviderId, nowMs = Date.now()): Promise<ConsumeResult> {
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
      provider: item.provider as ProviderId,
      codeVerifier: item.codeVerifier as string,
      region: item.region as string | undefined,
      redirectUri: item.redirectUri as string,
      createdAt: item.createdAt as string,
    },
  };
}
