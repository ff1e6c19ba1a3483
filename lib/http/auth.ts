import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { ForbiddenError, UnauthorizedError } from '../errors.ts';

export interface Principal {
  userId: string;
  /** how we know: verified JWT claims, or a header set by a trusted proxy */
  source: 'jwt' | 'trusted-header';
}

// Ids end up in DynamoDB keys and secret paths: keep them printable and bounded.
const USER_ID = /^[A-Za-z0-9][A-Za-z0-9._@:|+-]{0,127}$/;

interface JwtContext {
  authorizer?: { jwt?: { claims?: Record<string, unknown> } };
}

/**
 * Who is calling. With a JWT authorizer API Gateway has already verified the token, so the claims
 * in the request context are trustworthy. X-User-ID is honoured only in trusted-header mode and
 * only when no authorizer is attached to the route: a request that went through one is identified
 * by its claims alone, so a header sent beside a valid token can never change who it acts as.
 * (lib/config.ts refuses trusted-header with JWT_ISSUER; this holds even if a stack disagreed.)
 */
export function resolvePrincipal(event: APIGatewayProxyEventV2, mode: 'jwt' | 'trusted-header'): Principal | null {
  const authorizer = (event.requestContext as unknown as JwtContext | undefined)?.authorizer;
  if (mode === 'jwt' || authorizer?.jwt) {
    const sub = authorizer?.jwt?.claims?.sub;
    if (typeof sub === 'string' && USER_ID.test(sub)) return { userId: sub, source: 'jwt' };
    return null;
  }
  const header = event.headers?.['x-user-id'];
  if (header === undefined || header === '') return null;
  if (!USER_ID.test(header)) throw new UnauthorizedError('X-User-ID is not a valid user id', { code: 'invalid_principal' });
  return { userId: header, source: 'trusted-header' };
}

export function requirePrincipal(p: Principal | null): Principal {
  if (!p) throw new UnauthorizedError('Authentication required: no user identity on the request');
  return p;
}

/**
 * The reference frontend sends `userId` in bodies; it may only repeat the caller's own id.
 * (The reference implementation let a body userId override the caller.) Returns the body without it.
 */
export function checkClaimedUser(body: unknown, principal: Principal | null): unknown {
  if (!body || typeof body !== 'object' || Array.isArray(body)) return body;
  const rec = body as Record<string, unknown>;
  const claimed = ['userId', 'user_id'].filter((k) => k in rec);
  if (claimed.length === 0) return body;
  for (const k of claimed) {
    if (!principal || rec[k] !== principal.userId) {
      throw new ForbiddenError(`${k} in the request body does not match the authenticated user`, { field: k, code: 'user_mismatch' });
    }
  }
  const { userId: _a, user_id: _b, ...rest } = rec;
  return rest;
}
