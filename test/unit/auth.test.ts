import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { checkClaimedUser, resolvePrincipal } from '../../lib/http/auth.ts';

const event = (headers: Record<string, string>, claims?: Record<string, unknown>) =>
  ({ headers, requestContext: { authorizer: claims ? { jwt: { claims, scopes: [] } } : undefined } }) as unknown as APIGatewayProxyEventV2;

describe('identity', () => {
  it('jwt mode takes the verified sub claim and ignores X-User-ID', () => {
    expect(resolvePrincipal(event({ 'x-user-id': 'mallory' }, { sub: 'alice' }), 'jwt')).toEqual({ userId: 'alice', source: 'jwt' });
    expect(resolvePrincipal(event({ 'x-user-id': 'mallory' }), 'jwt')).toBeNull();
  });
  it('in jwt mode X-User-ID never changes the principal, whatever the claims say', () => {
    for (const claims of [{ sub: 'alice' }, { sub: 'alice', 'x-user-id': 'mallory' }, {}, { sub: '' }, { sub: 42 }, undefined]) {
      const withHeader = resolvePrincipal(event({ 'x-user-id': 'mallory', 'X-User-ID': 'mallory' }, claims), 'jwt');
      expect(withHeader).toEqual(resolvePrincipal(event({}, claims), 'jwt'));
      expect(withHeader?.userId).not.toBe('mallory');
    }
    expect(resolvePrincipal(event({ 'x-user-id': 'mallory' }, {}), 'jwt')).toBeNull();
  });
  it('a request that went through an authorizer is identified by its claims even in trusted-header mode', () => {
    expect(resolvePrincipal(event({ 'x-user-id': 'mallory' }, { sub: 'alice' }), 'trusted-header')).toEqual({ userId: 'alice', source: 'jwt' });
    expect(resolvePrincipal(event({ 'x-user-id': 'mallory' }, {}), 'trusted-header')).toBeNull();
  });
  it('trusted-header mode takes X-User-ID and validates it', () => {
    expect(resolvePrincipal(event({ 'x-user-id': 'alice' }), 'trusted-header')).toEqual({ userId: 'alice', source: 'trusted-header' });
    expect(resolvePrincipal(event({}), 'trusted-header')).toBeNull();
    expect(() => resolvePrincipal(event({ 'x-user-id': 'a/../b' }), 'trusted-header')).toThrow(/not a valid user id/);
  });
  it('a body userId must repeat the caller, and is removed', () => {
    const p = { userId: 'alice', source: 'jwt' as const };
    expect(checkClaimedUser({ userId: 'alice', x: 1 }, p)).toEqual({ x: 1 });
    expect(() => checkClaimedUser({ userId: 'bob' }, p)).toThrow(/does not match/);
    expect(() => checkClaimedUser({ user_id: 'bob' }, p)).toThrow(/does not match/);
    expect(() => checkClaimedUser({ userId: 'alice' }, null)).toThrow();
  });
});
