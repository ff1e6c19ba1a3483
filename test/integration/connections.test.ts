import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deps } from '../../lib/deps.ts';
import { saveConnection } from '../../lib/connections/service.ts';
import { getConnection, listAudit } from '../../lib/connections/repo.ts';
import { secret } from '../../lib/secret-value.ts';
import { findLeaks, startTestRuntime, type TestRuntime } from '../helpers/runtime.ts';

const SECRETS = ['azure-client-secret-value-1', 'scw-secret-0b6c6a0e-4d5e', 'gcp-refresh-token-xyz-123'];

let rt: TestRuntime;

async function seed(userId: string, provider: 'gcp' | 'aws' | 'azure' | 'scaleway', accountId: string, accountName: string, secretValue?: string) {
  return saveConnection(deps(), {
    userId,
    provider,
    accountId,
    accountName,
    metadata: { note: 'seeded' },
    secret: secretValue ? secret({ value: secretValue }) : undefined,
  });
}

beforeAll(async () => {
  rt = await startTestRuntime();
});
afterAll(async () => {
  expect(findLeaks([...rt.responses, ...rt.logs], SECRETS)).toEqual([]);
  await rt.close();
});

describe('GET /api/user_connections', () => {
  it('answers [] for a new user', async () => {
    const r = await rt.request('GET', '/api/user_connections', { user: 'fresh-user' });
    expect(r.status).toBe(200);
    expect(r.body).toEqual([]);
  });

  it('refuses a request without a principal with 401 and the error envelope', async () => {
    const r = await rt.request('GET', '/api/user_connections', { user: null });
    expect(r.status).toBe(401);
    expect(r.body.error.code).toBe('unauthorized');
    expect(typeof r.body.error.message).toBe('string');
  });

  it('refuses a malformed X-User-ID', async () => {
    const r = await rt.request('GET', '/api/user_connections', { user: 'bad id with spaces' });
    expect(r.status).toBe(401);
  });

  it('lists every account of every provider, several per provider', async () => {
    await seed('lister', 'aws', '111111111111', 'AWS Prod', undefined);
    await seed('lister', 'aws', '222222222222', 'AWS Dev', undefined);
    await seed('lister', 'azure', 'sub-1', 'Azure Prod', SECRETS[0]);
    const r = await rt.request('GET', '/api/user_connections', { user: 'lister' });
    expect(r.status).toBe(200);
    expect(r.body).toHaveLength(3);
    const aws = r.body.filter((c: any) => c.provider === 'aws').map((c: any) => c.account_id).sort();
    expect(aws).toEqual(['111111111111', '222222222222']);
    for (const c of r.body) {
      expect(c.status).toBe('connected');
      expect(new Date(c.created_at).toISOString()).toBe(c.created_at);
      expect(Object.keys(c).sort()).toEqual(['account_id', 'account_name', 'created_at', 'provider', 'status', 'updated_at']);
    }
  });
});

describe('DELETE /api/user_connections', () => {
  it('marks the connection not_connected and keeps its credentials', async () => {
    const conn = await seed('marker', 'azure', 'sub-keep', 'Keep', SECRETS[0]);
    const r = await rt.request('DELETE', '/api/user_connections', { user: 'marker', body: { provider: 'azure', account_id: 'sub-keep' } });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ status: 'disconnected' });
    const list = await rt.request('GET', '/api/user_connections', { user: 'marker' });
    expect(list.body[0].status).toBe('not_connected');
    expect(await deps().secrets.exists(conn.secretRef!)).toBe(true);
  });

  it('accepts the camelCase spelling of fields', async () => {
    await seed('camel', 'aws', '333333333333', 'AWS', undefined);
    const r = await rt.request('DELETE', '/api/user_connections', { user: 'camel', body: { provider: 'aws', accountId: '333333333333' } });
    expect(r.status).toBe(200);
  });

  it('names the missing field', async () => {
    const r = await rt.request('DELETE', '/api/user_connections', { body: { provider: 'aws' } });
    expect(r.status).toBe(400);
    expect(r.body.error.field).toBe('account_id');
    expect(r.body.error.message).toMatch(/account_id/);
  });

  it('rejects an unknown provider naming the field', async () => {
    const r = await rt.request('DELETE', '/api/user_connections', { body: { provider: 'digitalocean', account_id: 'x' } });
    expect(r.status).toBe(400);
    expect(r.body.error.field).toBe('provider');
  });

  it('answers 404 for a connection that does not exist', async () => {
    const r = await rt.request('DELETE', '/api/user_connections', { body: { provider: 'aws', account_id: '999999999999' } });
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe('connection_not_found');
  });
});

describe('input hardening', () => {
  it('malformed JSON → 400 naming the body', async () => {
    const r = await rt.request('DELETE', '/api/user_connections', { rawBody: '{"provider": "aws",', headers: { 'content-type': 'application/json' } });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('malformed_json');
  });

  it('wrong types → 400 naming the field', async () => {
    const r = await rt.request('PUT', '/api/user/provider-preference', { body: { provider_preference: 'gcp' } });
    expect(r.status).toBe(400);
    expect(r.body.error.field).toBe('provider_preference');
  });

  it('unknown fields → 400 naming them', async () => {
    const r = await rt.request('PUT', '/api/user/provider-preference', { body: { provider_preference: ['gcp'], admin: true } });
    expect(r.status).toBe(400);
    expect(r.body.error.field).toBe('admin');
    expect(r.body.error.message).toMatch(/admin/);
  });

  it('a body that is not an object → 400', async () => {
    const r = await rt.request('PUT', '/api/user/provider-preference', { body: ['gcp'] });
    expect(r.status).toBe(400);
  });

  it('bodies over 64 KB → 413', async () => {
    const r = await rt.request('PUT', '/api/user/provider-preference', { body: { provider_preference: ['gcp'], pad: 'x'.repeat(70 * 1024) } });
    expect(r.status).toBe(413);
    expect(r.body.error.code).toBe('payload_too_large');
  });

  it('a non-JSON content type → 415', async () => {
    const r = await rt.request('PUT', '/api/user/provider-preference', { rawBody: 'provider_preference=gcp', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(r.status).toBe(415);
  });

  it('a userId in the body that differs from the caller → 403; the same id is accepted', async () => {
    const bad = await rt.request('PUT', '/api/user/provider-preference', { user: 'u-self', body: { userId: 'u-other', provider_preference: ['aws'] } });
    expect(bad.status).toBe(403);
    expect(bad.body.error.field).toBe('userId');
    const good = await rt.request('PUT', '/api/user/provider-preference', { user: 'u-self', body: { userId: 'u-self', provider_preference: ['aws'] } });
    expect(good.status).toBe(200);
  });

  it('unknown route → 404 envelope; wrong provider in a path → 400', async () => {
    expect((await rt.request('GET', '/api/nope')).status).toBe(404);
    const r = await rt.request('DELETE', '/api/auth/heroku/disconnect');
    expect(r.status).toBe(400);
    expect(r.body.error.field).toBe('provider');
  });

  it('adds CORS headers for the configured frontend origin only', async () => {
    // FRONTURL defaults to the console the runtime serves itself, so its origin is the runtime's own
    const origin = `http://localhost:${rt.runtime.gateway.port}`;
    const ok = await rt.request('GET', '/api/user_connections', { headers: { origin } });
    expect(ok.headers.get('access-control-allow-origin')).toBe(origin);
    const other = await rt.request('GET', '/api/user_connections', { headers: { origin: 'https://evil.example' } });
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('preferences and connected providers', () => {
  it('stores the preference order and rejects unknown or repeated ids', async () => {
    expect((await rt.request('GET', '/api/user/provider-preference', { user: 'pref' })).body).toEqual({ provider_preference: [] });
    const put = await rt.request('PUT', '/api/user/provider-preference', { user: 'pref', body: { provider_preference: ['aws', 'gcp'] } });
    expect(put.body).toEqual({ provider_preference: ['aws', 'gcp'] });
    expect((await rt.request('GET', '/api/user/provider-preference', { user: 'pref' })).body).toEqual({ provider_preference: ['aws', 'gcp'] });
    expect((await rt.request('PUT', '/api/user/provider-preference', { user: 'pref', body: { provider_preference: ['aws', 'nope'] } })).status).toBe(400);
    expect((await rt.request('PUT', '/api/user/provider-preference', { user: 'pref', body: { provider_preference: ['aws', 'aws'] } })).status).toBe(400);
  });

  it('default provider: first connected in preference order, else first connected, else null', async () => {
    expect((await rt.request('GET', '/api/user/connected-providers', { user: 'cp' })).body).toEqual({ providers: [], default_provider: null });
    await seed('cp', 'gcp', 'me@example.com', 'me@example.com', SECRETS[2]);
    await seed('cp', 'aws', '444444444444', 'AWS', undefined);
    let r = await rt.request('GET', '/api/user/connected-providers', { user: 'cp' });
    expect(r.body).toEqual({ providers: ['gcp', 'aws'], default_provider: 'gcp' });
    await rt.request('PUT', '/api/user/provider-preference', { user: 'cp', body: { provider_preference: ['azure', 'aws'] } });
    r = await rt.request('GET', '/api/user/connected-providers', { user: 'cp' });
    expect(r.body.default_provider).toBe('aws');
  });
});

describe('DELETE /api/auth/{provider}/disconnect', () => {
  it('removes the secrets and the records of every account of the provider, with audit events', async () => {
    const a = await seed('dc', 'scaleway', 'org-1', 'Org 1', SECRETS[1]);
    const b = await seed('dc', 'scaleway', 'org-2', 'Org 2', SECRETS[1]);
    await seed('dc', 'aws', '555555555555', 'AWS', undefined);
    const r = await rt.request('DELETE', '/api/auth/scaleway/disconnect', { user: 'dc' });
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ status: 'disconnected', provider: 'scaleway', accounts: 2 });
    expect(await deps().secrets.exists(a.secretRef!)).toBe(false);
    expect(await deps().secrets.exists(b.secretRef!)).toBe(false);
    const list = await rt.request('GET', '/api/user_connections', { user: 'dc' });
    expect(list.body.map((c: any) => c.provider)).toEqual(['aws']);
    const audit = await listAudit(deps().db, 'dc');
    expect(audit.filter((e) => e.action === 'disconnect').map((e) => e.accountId).sort()).toEqual(['org-1', 'org-2']);
  });

  it('removes only the named account', async () => {
    await seed('dc1', 'azure', 'sub-a', 'A', SECRETS[0]);
    await seed('dc1', 'azure', 'sub-b', 'B', SECRETS[0]);
    const r = await rt.request('DELETE', '/api/auth/azure/disconnect', { user: 'dc1', body: { account_id: 'sub-a' } });
    expect(r.body.accounts).toBe(1);
    const list = await rt.request('GET', '/api/user_connections', { user: 'dc1' });
    expect(list.body.map((c: any) => c.account_id)).toEqual(['sub-b']);
  });

  it('works for every provider id, connected or not', async () => {
    for (const p of ['gcp', 'aws', 'azure', 'scaleway', 'tailscale', 'ovh']) {
      const r = await rt.request('DELETE', `/api/auth/${p}/disconnect`, { user: 'nobody-connected' });
      expect(r.status, p).toBe(200);
      expect(r.body.accounts).toBe(0);
    }
  });
});

describe('isolation between users', () => {
  it("user B cannot list, mark or disconnect user A's connections", async () => {
    const conn = await seed('alice', 'azure', 'sub-alice', 'Alice', SECRETS[0]);
    expect((await rt.request('GET', '/api/user_connections', { user: 'bob' })).body).toEqual([]);
    const mark = await rt.request('DELETE', '/api/user_connections', { user: 'bob', body: { provider: 'azure', account_id: 'sub-alice' } });
    expect(mark.status).toBe(404);
    const named = await rt.request('DELETE', '/api/auth/azure/disconnect', { user: 'bob', body: { account_id: 'sub-alice' } });
    expect(named.status).toBe(404);
    const all = await rt.request('DELETE', '/api/auth/azure/disconnect', { user: 'bob' });
    expect(all.body.accounts).toBe(0);
    const after = await getConnection(deps().db, { userId: 'alice', provider: 'azure', accountId: 'sub-alice' });
    expect(after?.status).toBe('connected');
    expect(after?.version).toBe(conn.version);
    expect(await deps().secrets.exists(conn.secretRef!)).toBe(true);
  });
});
