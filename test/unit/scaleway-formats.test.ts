import { describe, expect, it } from 'vitest';
import { connectBody as bodyOf } from '../../lib/http/connector-connect.ts';
import { connector } from '../../lib/connectors/scaleway/connector.ts';

const connectBody = bodyOf(connector);

const SECRET = '0b6c6a0e-4d5e-4f1a-9c3b-7e2d8f9a1b2c';
const field = (b: unknown) => {
  const r = connectBody.safeParse(b);
  return r.success ? null : String(r.error.issues[0].path[0] ?? (r.error.issues[0] as { keys?: string[] }).keys?.[0]);
};

describe('Scaleway key formats', () => {
  it('access key: "SCW" + 17 to 20 upper-case letters or digits', () => {
    for (const ak of ['SCW' + 'A'.repeat(17), 'SCW' + '0'.repeat(20), 'SCWXXXXXXXXXXXXXXXXX']) expect(field({ access_key: ak, secret_key: SECRET }), ak).toBeNull();
    for (const ak of ['SCW' + 'A'.repeat(16), 'SCW' + 'A'.repeat(21), 'scw' + 'A'.repeat(17), 'SCW' + 'a'.repeat(17), 'XYZ' + 'A'.repeat(17), 'SCW' + 'A'.repeat(16) + '-', '']) {
      expect(field({ access_key: ak, secret_key: SECRET }), ak).toBe('access_key');
    }
  });
  it('secret key: a UUID, any case', () => {
    expect(field({ access_key: 'SCWXXXXXXXXXXXXXXXXX', secret_key: SECRET.toUpperCase() })).toBeNull();
    for (const sk of ['0b6c6a0e4d5e4f1a9c3b7e2d8f9a1b2c', '0b6c6a0e-4d5e-4f1a-9c3b-7e2d8f9a1b2', 'zzzzzzzz-4d5e-4f1a-9c3b-7e2d8f9a1b2c', '']) {
      expect(field({ access_key: 'SCWXXXXXXXXXXXXXXXXX', secret_key: sk }), sk).toBe('secret_key');
    }
  });
  it('the access key is checked before the secret key; optional ids are UUIDs; unknown fields are refused', () => {
    expect(field({ access_key: 'bad', secret_key: 'bad' })).toBe('access_key');
    expect(field({ access_key: 'SCWXXXXXXXXXXXXXXXXX', secret_key: SECRET, project_id: 'default' })).toBe('project_id');
    expect(field({ access_key: 'SCWXXXXXXXXXXXXXXXXX', secret_key: SECRET, organization_id: 'acme' })).toBe('organization_id');
    expect(field({ access_key: 'SCWXXXXXXXXXXXXXXXXX', secret_key: SECRET, region: 'fr-par' })).toBe('region');
  });
  it('messages never quote the rejected value', () => {
    const r = connectBody.safeParse({ access_key: 'SCWXXXXXXXXXXXXXXXXX', secret_key: 'my-secret-value-0001' });
    expect(JSON.stringify(r.error?.issues)).not.toContain('my-secret-value-0001');
  });
});
