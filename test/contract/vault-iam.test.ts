import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../lib/config.ts';
import { load } from '../../lib/config.ts';
import { secret } from '../../lib/secret-value.ts';
import { createSecretStore } from '../../lib/secrets/index.ts';
import { SecretStoreError, type SecretStore } from '../../lib/secrets/port.ts';
import { FakeVault, type FakeVaultAwsAuth } from '../fakes/vault.ts';

/**
 * The deployed Vault path (issue 16): no static token; the store logs in with Vault's AWS IAM auth
 * method using the function role's credentials, renews its token before the lease ends, and after
 * a 403 logs in once more. Against the Vault fake (test/fakes/vault.ts), which checks the signed
 * sts:GetCallerIdentity request as STS would. Time is a fake clock shared by the store and the fake.
 */
const ROLE_KEYS = { accessKeyId: 'ASIAFAKEFUNCTIONROLE', secretAccessKey: `role-secret/${randomUUID()}`, sessionToken: `role-session-${randomUUID()}` };
const fast = { timeoutMs: 2000, retry: { baseDelayMs: 1, maxDelayMs: 5 } };

let clock = Date.parse('2026-12-02T08:00:00Z');
const now = () => clock;
const advance = (s: number) => void (clock += s * 1000);

const fakes: FakeVault[] = [];
async function vaultWith(aws: Partial<FakeVaultAwsAuth> = {}): Promise<FakeVault> {
  const fake = await new FakeVault({
    token: `hvs.static-${randomUUID()}`,
    now,
    aws: { role: 'aurora-functions', credentials: ROLE_KEYS, ttlSeconds: 60, ...aws },
  }).start();
  fakes.push(fake);
  return fake;
}
afterAll(async () => Promise.all(fakes.map((f) => f.stop())));

/** The settings a deployed function has (lib/stacks/plan/permissions.ts), read by lib/config like any setting. */
function settingsFor(fake: FakeVault, env: Record<string, string> = {}): Config['secrets'] {
  return load({ SECRET_BACKEND: 'vault', VAULT_ADDR: fake.url, VAULT_AUTH_METHOD: 'aws', VAULT_AWS_ROLE: 'aurora-functions', SECRET_CACHE_TTL_MS: '0', ...env }).secrets;
}
const storeFor = (fake: FakeVault, env?: Record<string, string>, keys = ROLE_KEYS): SecretStore =>
  createSecretStore(settingsFor(fake, env), { dataDir: '/nonexistent', region: 'eu-west-1' }, { vault: { ...fast, now }, awsCredentials: keys });

const doc = () => secret({ token: `tok-${randomUUID()}` });
const dataRequests = (fake: FakeVault) => fake.requests.filter((r) => r.area === 'data');

describe('Vault AWS IAM login', () => {
  let fake: FakeVault;
  beforeAll(async () => (fake = await vaultWith()));

  it('logs in once with the signed GetCallerIdentity, then reads and writes with the issued token', async () => {
    const store = storeFor(fake);
    const value = doc();
    const ref = await store.put('users/u1/gcp/a', value);
    expect((await store.get(ref))?.reveal()).toEqual(value.reveal());
    expect(fake.logins).toBe(1);
    expect(fake.lastLoginError).toBeUndefined();
    expect(dataRequests(fake).every((r) => r.status === 200)).toBe(true);
    // the static root token of the fake was never needed
    expect(fake.issued.size).toBe(1);
  });

  it("with no keys passed in, logs in with the function role's credentials from the SDK's default chain (the Lambda environment)", async () => {
    const fresh = await vaultWith();
    const saved = { id: process.env.AWS_ACCESS_KEY_ID, key: process.env.AWS_SECRET_ACCESS_KEY, token: process.env.AWS_SESSION_TOKEN };
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: ROLE_KEYS.accessKeyId, AWS_SECRET_ACCESS_KEY: ROLE_KEYS.secretAccessKey, AWS_SESSION_TOKEN: ROLE_KEYS.sessionToken });
    try {
      const store = createSecretStore(settingsFor(fresh), { dataDir: '/nonexistent', region: 'eu-west-1' }, { vault: { ...fast, now } });
      const value = doc();
      expect((await store.get(await store.put('users/u9/gcp/a', value)))?.reveal()).toEqual(value.reveal());
      expect(fresh.logins).toBe(1);
      expect(fresh.lastLoginError).toBeUndefined();
    } finally {
      for (const [k, v] of [['AWS_ACCESS_KEY_ID', saved.id], ['AWS_SECRET_ACCESS_KEY', saved.key], ['AWS_SESSION_TOKEN', saved.token]] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });

  it('concurrent first calls share one login', async () => {
    const fresh = await vaultWith();
    const store = storeFor(fresh);
    await Promise.all(Array.from({ length: 6 }, (_, i) => store.put(`users/u${i}/gcp/a`, doc())));
    expect(fresh.logins).toBe(1);
  });

  it('a request signed with other keys, or without the required server-id header, is refused with a message that names the role and no credential', async () => {
    const wrong = { accessKeyId: ROLE_KEYS.accessKeyId, secretAccessKey: `not-the-key/${randomUUID()}`, sessionToken: ROLE_KEYS.sessionToken };
    const e = await storeFor(fake, {}, wrong).put('users/u2/gcp/a', doc()).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(SecretStoreError);
    expect(String((e as Error).message)).toMatch(/Vault AWS IAM login \(role "aurora-functions", auth\/aws\) failed with HTTP 400: .*SignatureDoesNotMatch/);
    expect(fake.lastLoginError).toBe('STS: SignatureDoesNotMatch');
    for (const k of [wrong.secretAccessKey, ROLE_KEYS.secretAccessKey, ROLE_KEYS.sessionToken]) expect(JSON.stringify(e) + String(e) + (e as Error).stack).not.toContain(k);

    const guarded = await vaultWith({ headerValue: 'vault.example.com' });
    await expect(storeFor(guarded).put('users/u3/gcp/a', doc())).rejects.toThrow(/X-Vault-AWS-IAM-Server-ID/);
    await expect(storeFor(guarded, { VAULT_AWS_HEADER_VALUE: 'vault.example.com' }).put('users/u3/gcp/a', doc())).resolves.toMatch(/^vault:/);
  });

  it('a wrong role is refused by name', async () => {
    await expect(storeFor(fake, { VAULT_AWS_ROLE: 'someone-else' }).put('users/u4/gcp/a', doc())).rejects.toThrow(/role "someone-else".*entry for role someone-else not found/);
  });
});

describe('the token lease', () => {
  it('is renewed two thirds into its lease, so it never expires while in use', async () => {
    const fake = await vaultWith({ ttlSeconds: 60 });
    const store = storeFor(fake);
    const ref = await store.put('users/r1/gcp/a', doc());
    advance(30); // still fresh: no renewal
    await store.get(ref);
    expect([fake.logins, fake.renewals]).toEqual([1, 0]);
    advance(15); // 45 s into 60: renewed before use
    await store.get(ref);
    expect([fake.logins, fake.renewals]).toEqual([1, 1]);
    advance(45); // 90 s after the login, 45 s into the renewed lease: renewed again, same token
    await store.get(ref);
    expect([fake.logins, fake.renewals]).toEqual([1, 2]);
    expect(fake.requests.filter((r) => r.status === 403)).toEqual([]);
  });

  it('logs in afresh when renewal stops extending the token (max TTL) or the lease is not renewable', async () => {
    const capped = await vaultWith({ ttlSeconds: 60, maxTtlSeconds: 100 });
    const store = storeFor(capped);
    const ref = await store.put('users/r2/gcp/a', doc());
    advance(45);
    await store.get(ref); // renewed to the cap: 55 s left of the 100
    expect([capped.logins, capped.renewals]).toEqual([1, 1]);
    advance(40);
    await store.get(ref); // renewal would grant 5 s: a new login instead
    expect(capped.logins).toBe(2);
    expect(capped.requests.filter((r) => r.status === 403)).toEqual([]);

    const fixed = await vaultWith({ ttlSeconds: 60, renewable: false });
    const s2 = storeFor(fixed);
    const r2 = await s2.put('users/r3/gcp/a', doc());
    advance(45);
    await s2.get(r2);
    expect([fixed.logins, fixed.renewals]).toEqual([2, 0]);
  });

  it('a 403 after the token expired at Vault leads to exactly one new login, and the call succeeds', async () => {
    const fake = await vaultWith({ ttlSeconds: 3600 });
    const store = storeFor(fake);
    const value = doc();
    const ref = await store.put('users/r4/gcp/a', value);
    // Vault ended the lease early (revoked, or its clock ran ahead): the store still thinks it fresh
    const [token] = [...fake.issued.keys()];
    fake.issued.get(token)!.expiresAt = now();
    fake.requests = [];
    expect((await store.get(ref))?.reveal()).toEqual(value.reveal());
    expect(fake.logins).toBe(2);
    expect(fake.requests.map((r) => r.status)).toEqual([403, 200, 200]); // refused read, login, read
  });

  it('when Vault keeps refusing, one login is tried and the error says so: no loop', async () => {
    const fake = await vaultWith({ ttlSeconds: 3600 });
    const store = storeFor(fake);
    const ref = await store.put('users/r5/gcp/a', doc());
    fake.requests = [];
    fake.failAll = 403;
    const e = await store.get(ref).catch((x: unknown) => x);
    fake.failAll = undefined;
    expect(e).toBeInstanceOf(SecretStoreError);
    expect((e as Error).message).toMatch(/^Vault AWS IAM login \(role "aurora-functions", auth\/aws\) failed with HTTP 403/);
    expect(fake.requests.map((r) => [r.path, r.status])).toEqual([
      ['kv/data/aurora/users/r5/gcp/a', 403],
      ['auth/aws/login', 403],
    ]);
  });

  it('a token Vault accepts but whose policy does not cover the path: the 403 names the Vault role to check', async () => {
    const fake = await vaultWith({ ttlSeconds: 3600, allowedPrefix: 'kv/data/aurora/users/allowed/' });
    const store = storeFor(fake);
    await expect(store.put('users/allowed/gcp/a', doc())).resolves.toMatch(/^vault:/);
    const e = await store.put('users/other/gcp/a', doc()).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(SecretStoreError);
    expect((e as Error).message).toMatch(/HTTP 403.*check the Vault role "aurora-functions" \(auth\/aws\) has a policy covering this path/);
    expect(fake.logins).toBe(2);
  });
});

describe('settings', () => {
  it('aws auth needs VAULT_AWS_ROLE, token auth needs VAULT_TOKEN; neither names a value', async () => {
    const fake = await vaultWith();
    expect(() => createSecretStore(load({ SECRET_BACKEND: 'vault', VAULT_ADDR: fake.url, VAULT_AUTH_METHOD: 'aws' }).secrets, { dataDir: '/x', region: 'eu-west-1' })).toThrow(/VAULT_AWS_ROLE must be set/);
    expect(() => createSecretStore(load({ SECRET_BACKEND: 'vault', VAULT_ADDR: fake.url }).secrets, { dataDir: '/x', region: 'eu-west-1' })).toThrow(/VAULT_TOKEN must be set/);
  });
});
