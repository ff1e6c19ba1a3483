import { describe, expect, it } from 'vitest';
import { checkScopes, tailnetDnsName } from '../../lib/connectors/tailscale/adapter.ts';
import { connectBody as bodyOf } from '../../lib/http/connector-connect.ts';
import { connector } from '../../lib/connectors/tailscale/connector.ts';

const connectBody = bodyOf(connector);
import { secret } from '../../lib/secret-value.ts';

describe('tailnetDnsName', () => {
  it('is the MagicDNS suffix shared by the devices', () => {
    expect(tailnetDnsName([{ name: 'a.tailfe8c.ts.net' }, { name: 'b.tailfe8c.ts.net.' }])).toBe('tailfe8c.ts.net');
  });
  it('takes the most common suffix, ignoring names without one', () => {
    expect(tailnetDnsName([{ name: 'a.tail1.ts.net' }, { name: 'b.tail2.ts.net' }, { name: 'c.tail2.ts.net' }, { name: 'bare' }, {}])).toBe('tail2.ts.net');
  });
  it('is null without devices', () => {
    expect(tailnetDnsName([])).toBeNull();
    expect(tailnetDnsName([{ name: 'nodot' }, { name: '.' }])).toBeNull();
  });
});

describe('checkScopes', () => {
  const t = (scopes?: string[]) => ({ token: secret('x'), expiresAt: 0, scopes });
  it('accepts any scope that can read devices, and an absent scope list', () => {
    for (const s of [['devices:core:read'], ['devices:core'], ['devices:read'], ['all'], ['all:read', 'dns:read']]) expect(() => checkScopes(t(s))).not.toThrow();
    expect(() => checkScopes(t(undefined))).not.toThrow();
  });
  it('refuses others with 403 naming the missing scope', () => {
    expect(() => checkScopes(t(['dns:read', 'auth_keys']))).toThrow(/missing required scopes: devices:core:read/);
    try {
      checkScopes(t([]));
    } catch (e) {
      expect((e as { status: number }).status).toBe(403);
    }
  });
});

describe('Tailscale connect body', () => {
  const ok = (b: unknown) => connectBody.safeParse(b).success;
  it('accepts tailnet names, ids, "-", and blank as the default', () => {
    for (const tailnet of ['example.com', 'user@gmail.com', 'T1234CNTRL', '-', '', null, undefined]) expect(ok({ client_id: 'c', client_secret: 's', tailnet }), String(tailnet)).toBe(true);
    expect(connectBody.parse({ client_id: 'c', client_secret: 's', tailnet: '' }).tailnet).toBeUndefined();
  });
  it('refuses path-like or reserved tailnets, and empty client fields', () => {
    for (const tailnet of ['a/b', '../x', 'with space', 'ssh-key', '-x']) expect(ok({ client_id: 'c', client_secret: 's', tailnet }), tailnet).toBe(false);
    expect(ok({ client_id: ' ', client_secret: 's' })).toBe(false);
    expect(ok({ client_id: 'c', client_secret: '' })).toBe(false);
  });
});
