import { spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { copyFile, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { inspect } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Config } from '../../lib/config.ts';
import { ConfigError } from '../../lib/errors.ts';
import { secret, SecretValue } from '../../lib/secret-value.ts';
import { CachedSecretStore } from '../../lib/secrets/cache.ts';
import { createSecretStore, resolveBackendForRef, type SecretStoreOverrides } from '../../lib/secrets/index.ts';
import { LocalSecretStore } from '../../lib/secrets/local.ts';
import { secretPath, SecretStoreError, type SecretDocument, type SecretStore } from '../../lib/secrets/port.ts';
import { FakeSecretsManager } from '../fakes/secrets-manager.ts';
import { FakeVault } from '../fakes/vault.ts';

// ---------------------------------------------------------------------------------------------
// Harnesses: one per backend, each building stores through createSecretStore like the service does.
// ---------------------------------------------------------------------------------------------

type Kind = SecretStore['kind'];

interface FailureScenario {
  label: string;
  store: SecretStore;
  arm(): Promise<void> | void;
  disarm(): Promise<void> | void;
}

interface Harness {
  kind: Kind;
  start(): Promise<void>;
  stop(): Promise<void>;
  store(opts?: { cacheTtlMs?: number }): SecretStore;
  ref(path: string): string;
  /** reads that reached the backend, counted by the fake; undefined where there is no network to count (local) */
  backendReads(): number | undefined;
  /** stores that fail, and credentials that must never appear in an error */
  failures(): Promise<{ scenarios: FailureScenario[]; leaks: string[] }>;
}

const core = { dataDir: join(tmpdir(), 'aurora-unused-data-dir'), region: 'us-east-1' };

type VaultSettings = Config['secrets']['vault'];
const VAULT_DEFAULTS: VaultSettings = {
  addr: undefined,
  token: undefined,
  mount: 'kv',
  prefix: 'aurora',
  namespace: undefined,
  authMethod: 'token',
  aws: { role: undefined, mount: 'aws', headerValue: undefined, stsUrl: 'https://sts.amazonaws.com', stsRegion: 'us-east-1' },
};

function secretsConfig(over: Omit<Partial<Config['secrets']>, 'vault'> & { vault?: Partial<VaultSettings> } = {}): Config['secrets'] {
  const { vault, ...rest } = over;
  return {
    backend: 'local',
    secretsManager: { endpoint: undefined, prefix: 'aurora', kmsKeyId: undefined },
    localDir: undefined,
    cacheTtlMs: 30000,
    ...rest,
    vault: { ...VAULT_DEFAULTS, ...vault },
  };
}

const uid = () => `u${randomUUID().slice(0, 8)}`;

function localHarness(): Harness {
  let dir = '';
  const storeIn = (localDir: string, cacheTtlMs = 30000) =>
    createSecretStore(secretsConfig({ backend: 'local', localDir, cacheTtlMs }), core);
  return {
    kind: 'local',
    async start() {
      dir = await mkdtemp(join(tmpdir(), 'aurora-local-secrets-'));
    },
    async stop() {
      await rm(dir, { recursive: true, force: true });
    },
    store: (o = {}) => storeIn(dir, o.cacheTtlMs),
    ref: (p) => `local:${p}`,
    backendReads: () => undefined,
    async failures() {
      const keyFile = join(dir, '.key');
      const key = await readFile(keyFile);
      const notADir = join(dir, 'not-a-directory');
      return {
        leaks: [key.toString('base64'), key.toString('hex')],
        scenarios: [
          {
            label: 'key replaced',
            store: storeIn(dir, 0),
            arm: () => writeFile(keyFile, randomBytes(32)),
            disarm: () => writeFile(keyFile, key),
          },
          {
            label: 'directory unusable',
            store: storeIn(join(notADir, 'secrets'), 0),
            arm: () => writeFile(notADir, 'x'),
            disarm: () => rm(notADir, { force: true }),
          },
        ],
      };
    },
  };
}

const VAULT_TOKEN = `hvs.CAESI-${randomUUID()}`;
const fastVault: SecretStoreOverrides = { vault: { timeoutMs: 2000, retry: { baseDelayMs: 1, maxDelayMs: 5 } } };

function vaultConfig(fake: FakeVault, over: Partial<Config['secrets']['vault']> = {}, cacheTtlMs = 30000): Config['secrets'] {
  return secretsConfig({
    backend: 'vault',
    vault: { addr: fake.url, token: VAULT_TOKEN, mount: 'kv', prefix: 'aurora', namespace: undefined, ...over },
    cacheTtlMs,
  });
}

function vaultHarness(): Harness {
  const fake = new FakeVault({ token: VAULT_TOKEN });
  const wrongToken = `hvs.WRONG-${randomUUID()}`;
  return {
    kind: 'vault',
    start: async () => void (await fake.start()),
    stop: () => fake.stop(),
    store: (o = {}) => createSecretStore(vaultConfig(fake, {}, o.cacheTtlMs), core, fastVault),
    ref: (p) => `vault:kv/data/aurora/${p}`,
    backendReads: () => fake.count('GET', 'data'),
    async failures() {
      const slow = { vault: { timeoutMs: 50, retry: { baseDelayMs: 1, maxDelayMs: 5 } } };
      return {
        leaks: [VAULT_TOKEN, wrongToken],
        scenarios: [
          { label: 'wrong token', store: createSecretStore(vaultConfig(fake, { token: wrongToken }, 0), core, fastVault), arm() {}, disarm() {} },
          {
            label: 'HTTP 500',
            store: createSecretStore(vaultConfig(fake, {}, 0), core, fastVault),
            arm: () => void (fake.failAll = 500),
            disarm: () => void (fake.failAll = undefined),
          },
          {
            label: 'timeouts',
            store: createSecretStore(vaultConfig(fake, {}, 0), core, slow),
            arm: () => void (fake.latencyMs = 300),
            disarm: () => void (fake.latencyMs = 0),
          },
        ],
      };
    },
  };
}

const AWS_GOOD = { accessKeyId: 'AKIAFAKEGOODKEY00001', secretAccessKey: `good/${randomUUID()}` };
const AWS_BAD = { accessKeyId: 'AKIAFAKEBADKEY000002', secretAccessKey: `bad/${randomUUID()}` };

function smConfig(fake: FakeSecretsManager, over: Partial<Config['secrets']['secretsManager']> = {}, cacheTtlMs = 30000): Config['secrets'] {
  return secretsConfig({
    backend: 'aws-secrets-manager',
    secretsManager: { endpoint: fake.url, prefix: 'aurora', kmsKeyId: undefined, ...over },
    cacheTtlMs,
  });
}

function secretsManagerHarness(): Harness {
  const fake = new FakeSecretsManager({ accessKeyId: AWS_GOOD.accessKeyId });
  return {
    kind: 'aws-secrets-manager',
    start: async () => void (await fake.start()),
    stop: () => fake.stop(),
    store: (o = {}) => createSecretStore(smConfig(fake, {}, o.cacheTtlMs), core, { awsCredentials: AWS_GOOD }),
    ref: (p) => `awssm:us-east-1:aurora/${p}`,
    backendReads: () => fake.count('GetSecretValue'),
    async failures() {
      return {
        leaks: [AWS_GOOD.secretAccessKey, AWS_BAD.secretAccessKey],
        scenarios: [
          {
            label: 'wrong credentials',
            store: createSecretStore(smConfig(fake, {}, 0), core, { awsCredentials: AWS_BAD }),
            arm() {},
            disarm() {},
          },
          {
            label: 'HTTP 500',
            store: createSecretStore(smConfig(fake, {}, 0), core, { awsCredentials: AWS_GOOD }),
            arm: () => void (fake.failAll = 500),
            disarm: () => void (fake.failAll = undefined),
          },
        ],
      };
    },
  };
}

/** Everything an error could show in a log line, a response or a crash report. */
function renderings(e: unknown): string {
  const err = e as Error;
  return [err.message, String(err), err.stack, JSON.stringify(err), inspect(err, { depth: 10, showHidden: true }), inspect(err.cause, { depth: 10 })].join('\n');
}

function expectNoLeak(e: unknown, needles: string[]): void {
  const text = renderings(e);
  for (const n of needles) expect(text.includes(n), `error exposes "${n.slice(0, 6)}…"`).toBe(false);
}

async function failureOf(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
    return undefined;
  } catch (e) {
    return e ?? new Error('rejected with nothing');
  }
}

// ---------------------------------------------------------------------------------------------
// The contract: every backend behaves the same.
// ---------------------------------------------------------------------------------------------

describe.each([localHarness(), vaultHarness(), secretsManagerHarness()])('SecretStore contract: $kind', (h) => {
  let store: SecretStore;

  beforeAll(async () => {
    await h.start();
    store = h.store();
  });
  afterAll(() => h.stop());

  it('round-trips a nested document', async () => {
    const doc = {
      access_token: `ya29.${randomUUID()}`,
      refresh_token: `1//${randomUUID()}`,
      expires_at: 1767225600,
      scopes: ['cloud-platform', 'openid'],
      nested: { list: [1, { deep: true }, null], unicode: 'é✓ 東京', empty: {} },
    };
    const ref = await store.put(secretPath(uid(), 'gcp', 'acct-1'), secret(doc));
    const got = await store.get(ref);
    expect(got?.reveal()).toEqual(doc);
  });

  it('returns a reference in the backend format', async () => {
    const path = secretPath(uid(), 'aws', '123456789012');
    expect(await store.put(path, secret({ role_arn: 'arn:aws:iam::123456789012:role/x' }))).toBe(h.ref(path));
  });

  it('returns null for a secret that was never written', async () => {
    expect(await store.get(h.ref(secretPath(uid(), 'gcp', 'never')))).toBeNull();
  });

  it('returns null after delete, and exists() follows', async () => {
    const ref = await store.put(secretPath(uid(), 'azure', 'sub'), secret({ client_secret: 's' }));
    expect(await store.exists(ref)).toBe(true);
    await store.delete(ref);
    expect(await store.get(ref)).toBeNull();
    expect(await store.exists(ref)).toBe(false);
  });

  it('deletes idempotently', async () => {
    const ref = await store.put(secretPath(uid(), 'ovh', 'eu'), secret({ token: 't' }));
    await store.delete(ref);
    await expect(store.delete(ref)).resolves.toBeUndefined();
    await expect(store.delete(h.ref(secretPath(uid(), 'ovh', 'never')))).resolves.toBeUndefined();
  });

  it('overwrites: the last put wins under the same reference', async () => {
    const path = secretPath(uid(), 'scaleway', 'org');
    const first = await store.put(path, secret({ secret_key: 'one', extra: 'gone after overwrite' }));
    expect((await store.get(first))?.reveal()).toEqual({ secret_key: 'one', extra: 'gone after overwrite' });
    const second = await store.put(path, secret({ secret_key: 'two' }));
    expect(second).toBe(first);
    expect((await store.get(second))?.reveal()).toEqual({ secret_key: 'two' });
  });

  it('keeps two users apart', async () => {
    const [a, b] = [uid(), uid()];
    const refA = await store.put(secretPath(a, 'gcp', 'same-account'), secret({ owner: a }));
    const refB = await store.put(secretPath(b, 'gcp', 'same-account'), secret({ owner: b }));
    expect(refA).not.toBe(refB);
    expect((await store.get(refA))?.reveal()).toEqual({ owner: a });
    expect((await store.get(refB))?.reveal()).toEqual({ owner: b });
  });

  it('handles odd characters in ids through secretPath()', async () => {
    const user = `${uid()} with space/..`;
    const paths = [
      secretPath(user, 'gcp', 'a@b.c/../x y'),
      secretPath(user, 'tailscale', 'b64.looks-encoded'),
      secretPath(user, 'aws', 'ünïcødé:#?%&', 'ssh key'),
    ];
    const refs: string[] = [];
    for (const [i, path] of paths.entries()) {
      const ref = await store.put(path, secret({ i }));
      expect(ref).toBe(h.ref(path));
      expect(ref).not.toContain('/../');
      expect((await store.get(ref))?.reveal()).toEqual({ i });
      refs.push(ref);
    }
    expect(await store.list!()).toEqual(expect.arrayContaining(refs));
  });

  it('exists() tells stored from missing', async () => {
    const path = secretPath(uid(), 'gcp', 'e');
    expect(await store.exists(h.ref(path))).toBe(false);
    const ref = await store.put(path, secret({ x: 1 }));
    expect(await store.exists(ref)).toBe(true);
  });

  it('list() returns what was put and forgets what was deleted', async () => {
    const user = uid();
    const refs = [
      await store.put(secretPath(user, 'gcp', 'p1'), secret({ n: 1 })),
      await store.put(secretPath(user, 'gcp', 'p2'), secret({ n: 2 })),
      await store.put(secretPath(user, 'gcp', 'p2', 'sub'), secret({ n: 3 })),
    ];
    expect(await store.list!()).toEqual(expect.arrayContaining(refs));
    await store.delete(refs[0]);
    const after = await store.list!();
    expect(after).not.toContain(refs[0]);
    expect(after).toEqual(expect.arrayContaining(refs.slice(1)));
  });

  it('hands back a SecretValue that prints as [redacted]', async () => {
    const token = `tok-${randomUUID()}`;
    const got = await store.get(await store.put(secretPath(uid(), 'gcp', 'r'), secret({ token })));
    expect(got).toBeInstanceOf(SecretValue);
    expect(JSON.stringify(got)).toBe('"[redacted]"');
    expect(String(got)).toBe('[redacted]');
    expect(`${got}`).toBe('[redacted]');
    expect(inspect(got)).toBe('[redacted]');
    expect(JSON.stringify({ credentials: got })).not.toContain(token);
    expect(inspect({ deep: { credentials: got } }, { depth: 10 })).not.toContain(token);
  });

  it('stores a nested SecretValue field as its value, not as "[redacted]"', async () => {
    const inner = secret('hunter2');
    const ref = await store.put(secretPath(uid(), 'gcp', 'nested'), secret({ client_secret: inner as unknown }));
    expect((await store.get(ref))?.reveal()).toEqual({ client_secret: 'hunter2' });
  });

  it('rejects paths and references that could escape users/', async () => {
    for (const bad of ['users/../etc/passwd', 'users/u/../../x', 'other/u/p/a', 'users/u', '/users/u/p/a', 'users//p/a']) {
      await expect(store.put(bad, secret({ x: 1 })), bad).rejects.toBeInstanceOf(SecretStoreError);
    }
    for (const bad of [h.ref('users/../../etc/passwd'), h.ref('users/u/p/../../../../x'), h.ref('secrets/u/p/a')]) {
      await expect(store.get(bad), bad).rejects.toBeInstanceOf(SecretStoreError);
      await expect(store.delete(bad), bad).rejects.toBeInstanceOf(SecretStoreError);
    }
  });

  it('refuses references of another backend, and never echoes an unrecognised one', async () => {
    const foreign = h.kind === 'local' ? 'vault:kv/data/aurora/users/u/gcp/a' : 'local:users/u/gcp/a';
    await expect(store.get(foreign)).rejects.toThrow(/belongs to the "(vault|local)" backend/);
    await expect(store.delete(foreign)).rejects.toBeInstanceOf(SecretStoreError);
    const rawToken = `ya29.a0Af-${randomUUID()}`;
    const e = await failureOf(store.get(rawToken));
    expect(e).toBeInstanceOf(SecretStoreError);
    expectNoLeak(e, [rawToken]);
  });

  it('fails with SecretStoreErrors that carry neither the secret nor the credentials', async () => {
    const value = `sk-live-${randomUUID()}`;
    const path = secretPath(uid(), 'gcp', 'failing');
    const ref = await store.put(path, secret({ token: value }));
    const { scenarios, leaks } = await h.failures();
    for (const sc of scenarios) {
      await sc.arm();
      try {
        const errors = [
          await failureOf(sc.store.get(ref)),
          await failureOf(sc.store.exists(ref)),
          await failureOf(sc.store.put(path, secret({ token: value, nested: { again: value } }))),
          await failureOf(sc.store.delete(ref)),
        ];
        expect(errors[0], `${sc.label}: get must fail`).toBeInstanceOf(SecretStoreError);
        for (const e of errors.filter(Boolean)) {
          expect(e, sc.label).toBeInstanceOf(SecretStoreError);
          expectNoLeak(e, [value, ...leaks]);
        }
      } finally {
        await sc.disarm();
      }
    }
  });

  // "Elsewhere" is a second, uncached store on the same backend: another container, as far as the cache can tell.
  it('serves a repeated read from the cache; put and delete invalidate it', async () => {
    const s = h.store({ cacheTtlMs: 60000 });
    const elsewhere = h.store({ cacheTtlMs: 0 });
    const path = secretPath(uid(), 'gcp', 'cached');
    const ref = await s.put(path, secret({ v: 1 }));
    const reads = h.backendReads();
    const readsSince = () => (reads === undefined ? undefined : h.backendReads()! - reads);
    expect((await s.get(ref))?.reveal()).toEqual({ v: 1 });
    await elsewhere.put(path, secret({ v: 'written elsewhere' }));
    expect((await s.get(ref))?.reveal()).toEqual({ v: 1 });
    if (reads !== undefined) expect(readsSince()).toBe(1);
    await s.put(path, secret({ v: 2 }));
    expect((await s.get(ref))?.reveal()).toEqual({ v: 2 });
    if (reads !== undefined) expect(readsSince()).toBe(2);
    await s.delete(ref);
    expect(await s.get(ref)).toBeNull();
    if (reads !== undefined) expect(readsSince()).toBe(3);
  });

  it('reads through on every call when the cache TTL is 0', async () => {
    const s = h.store({ cacheTtlMs: 0 });
    const path = secretPath(uid(), 'gcp', 'uncached');
    const ref = await s.put(path, secret({ v: 1 }));
    const reads = h.backendReads();
    expect((await s.get(ref))?.reveal()).toEqual({ v: 1 });
    await h.store({ cacheTtlMs: 0 }).put(path, secret({ v: 'written elsewhere' }));
    expect((await s.get(ref))?.reveal()).toEqual({ v: 'written elsewhere' });
    if (reads !== undefined) expect(h.backendReads()).toBe(reads + 2);
  });
});

// ---------------------------------------------------------------------------------------------
// Local encrypted files
// ---------------------------------------------------------------------------------------------

describe('local store specifics', () => {
  let root = '';
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'aurora-local-'));
  });
  afterAll(() => rm(root, { recursive: true, force: true }));
  const freshDir = () => join(root, randomUUID(), 'secrets');
  const fileText = async (dir: string) =>
    Promise.all((await readdir(dir)).map(async (n) => (await readFile(join(dir, n))).toString('latin1')));

  it('creates the directory 0700 and the key file 0600 on first use', async () => {
    const dir = freshDir();
    const store = new LocalSecretStore({ dir });
    const path = secretPath(uid(), 'gcp', 'a');
    await store.put(path, secret({ t: 1 }));
    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect((await stat(join(dir, '.key'))).mode & 0o777).toBe(0o600);
    expect((await readFile(join(dir, '.key'))).length).toBe(32);
    expect((await stat(store.fileFor(path))).mode & 0o777).toBe(0o600);
  });

  it('keeps no plaintext on disk and uses a fresh IV per write', async () => {
    const dir = freshDir();
    const store = new LocalSecretStore({ dir });
    const value = `plain-${randomUUID()}`;
    const path = secretPath(uid(), 'gcp', 'a');
    await store.put(path, secret({ refresh_token: value }));
    const first = await readFile(store.fileFor(path), 'utf8');
    await store.put(path, secret({ refresh_token: value }));
    const second = await readFile(store.fileFor(path), 'utf8');
    for (const text of await fileText(dir)) {
      expect(text).not.toContain(value);
      expect(text).not.toContain('refresh_token');
      expect(text).not.toContain(Buffer.from(value).toString('base64'));
    }
    expect(JSON.parse(first).iv).not.toBe(JSON.parse(second).iv);
    expect(JSON.parse(first).ct).not.toBe(JSON.parse(second).ct);
  });

  it('leaves no temporary files behind (writes are temp + rename)', async () => {
    const dir = freshDir();
    const store = new LocalSecretStore({ dir });
    const user = uid();
    await Promise.all([1, 2, 3, 4].map((i) => store.put(secretPath(user, 'gcp', `a${i}`), secret({ i }))));
    const names = await readdir(dir);
    expect(names.filter((n) => n !== '.key' && !n.endsWith('.secret'))).toEqual([]);
    expect(names.filter((n) => n.endsWith('.secret'))).toHaveLength(4);
  });

  it('detects tampered ciphertext and tag with a clean error', async () => {
    const dir = freshDir();
    const store = new LocalSecretStore({ dir });
    const value = `v-${randomUUID()}`;
    const path = secretPath(uid(), 'gcp', 'a');
    const ref = await store.put(path, secret({ token: value }));
    const file = store.fileFor(path);
    const original = JSON.parse(await readFile(file, 'utf8')) as Record<string, string>;
    for (const field of ['ct', 'tag', 'iv']) {
      const bytes = Buffer.from(original[field], 'base64');
      bytes[0] ^= 0x01;
      await writeFile(file, JSON.stringify({ ...original, [field]: bytes.toString('base64') }));
      const e = await failureOf(store.get(ref));
      expect(e, field).toBeInstanceOf(SecretStoreError);
      expect((e as Error).message).toMatch(/failed its integrity check/);
      expectNoLeak(e, [value]);
    }
    await writeFile(file, '{not json');
    await expect(store.get(ref)).rejects.toThrow(/not a readable secret file/);
  });

  it('refuses a ciphertext moved onto another path (the path is bound as associated data)', async () => {
    const dir = freshDir();
    const store = new LocalSecretStore({ dir });
    const [victim, attacker] = [secretPath(uid(), 'gcp', 'a'), secretPath(uid(), 'gcp', 'a')];
    const victimRef = await store.put(victim, secret({ owner: 'victim' }));
    const attackerRef = await store.put(attacker, secret({ owner: 'attacker' }));
    await copyFile(store.fileFor(victim), store.fileFor(attacker));
    await expect(store.get(attackerRef)).rejects.toThrow(/failed its integrity check/);
    expect((await store.get(victimRef))?.reveal()).toEqual({ owner: 'victim' });
    const listed = await store.list();
    expect(listed).toContain(victimRef);
    expect(listed).not.toContain(attackerRef);
  });

  it('refuses secrets written with another key', async () => {
    const dir = freshDir();
    const path = secretPath(uid(), 'gcp', 'a');
    const ref = await new LocalSecretStore({ dir }).put(path, secret({ x: 1 }));
    await writeFile(join(dir, '.key'), randomBytes(32));
    await expect(new LocalSecretStore({ dir }).get(ref)).rejects.toThrow(/failed its integrity check/);
  });

  it('agrees on one key when several processes start at once, and keeps it across restarts', async () => {
    const dir = freshDir();
    const user = uid();
    const stores = [1, 2, 3, 4].map(() => new LocalSecretStore({ dir }));
    const refs = await Promise.all(stores.map((s, i) => s.put(secretPath(user, 'gcp', `a${i}`), secret({ i }))));
    const later = new LocalSecretStore({ dir });
    for (const [i, ref] of refs.entries()) expect((await later.get(ref))?.reveal()).toEqual({ i });
    expect((await readdir(dir)).filter((n) => n.startsWith('.key'))).toEqual(['.key']);
  });

  it('rejects a key file of the wrong size without printing it', async () => {
    const dir = freshDir();
    const ref = await new LocalSecretStore({ dir }).put(secretPath(uid(), 'gcp', 'a'), secret({ x: 1 }));
    const short = randomBytes(16);
    await writeFile(join(dir, '.key'), short);
    const e = await failureOf(new LocalSecretStore({ dir }).get(ref));
    expect((e as Error).message).toMatch(/does not hold a 32-byte key/);
    expectNoLeak(e, [short.toString('hex'), short.toString('base64')]);
  });

  it('rejects traversal in references before touching the disk', async () => {
    const store = new LocalSecretStore({ dir: freshDir() });
    for (const bad of ['local:users/../../etc/passwd', 'local:/etc/passwd', 'local:users/u/p/../../../../etc/shadow', 'local:secrets/u/p/a', 'local:']) {
      await expect(store.get(bad), bad).rejects.toThrow(/Invalid secret path/);
      await expect(store.delete(bad), bad).rejects.toThrow(/Invalid secret path/);
    }
  });

  it('lists nothing (and creates nothing) for a directory that does not exist yet', async () => {
    const dir = freshDir();
    const store = new LocalSecretStore({ dir });
    expect(await store.list()).toEqual([]);
    expect(await store.get(`local:${secretPath('u', 'gcp', 'a')}`)).toBeNull();
    await expect(stat(dir)).rejects.toThrow();
  });
});

// ---------------------------------------------------------------------------------------------
// Vault KV v2
// ---------------------------------------------------------------------------------------------

describe('vault store specifics', () => {
  const fake = new FakeVault({ token: VAULT_TOKEN });
  const store = (over: Partial<Config['secrets']['vault']> = {}, overrides: SecretStoreOverrides = fastVault) =>
    createSecretStore(vaultConfig(fake, over, 0), core, overrides);
  beforeAll(() => fake.start());
  afterAll(() => fake.stop());
  afterEach(() => fake.reset());

  it('speaks KV v2: data paths for writes and reads, metadata delete removes every version', async () => {
    const s = store();
    const path = secretPath(uid(), 'gcp', 'a');
    const ref = await s.put(path, secret({ v: 1 }));
    await s.put(path, secret({ v: 2 }));
    expect(ref).toBe(`vault:kv/data/aurora/${path}`);
    expect(fake.versions(`aurora/${path}`)).toBe(2);
    expect(fake.requests.filter((r) => r.method === 'POST').map((r) => r.path)).toEqual([`kv/data/aurora/${path}`, `kv/data/aurora/${path}`]);
    await s.delete(ref);
    expect(fake.versions(`aurora/${path}`)).toBe(0);
    expect(fake.requests.at(-1)).toMatchObject({ method: 'DELETE', path: `kv/metadata/aurora/${path}` });
  });

  it('treats a soft-deleted latest version as missing', async () => {
    const s = store();
    const path = secretPath(uid(), 'gcp', 'a');
    const ref = await s.put(path, secret({ v: 1 }));
    const res = await fetch(`${fake.url}/v1/kv/data/aurora/${path}`, { method: 'DELETE', headers: { 'X-Vault-Token': VAULT_TOKEN } });
    expect(res.status).toBe(204);
    expect(await s.get(ref)).toBeNull();
  });

  it('sends X-Vault-Namespace when configured', async () => {
    const nsFake = await new FakeVault({ token: VAULT_TOKEN, namespace: 'team-a/aurora' }).start();
    try {
      const s = createSecretStore(vaultConfig(nsFake, { namespace: 'team-a/aurora' }, 0), core, fastVault);
      const ref = await s.put(secretPath(uid(), 'gcp', 'a'), secret({ v: 1 }));
      expect((await s.get(ref))?.reveal()).toEqual({ v: 1 });
      expect(await s.list!()).toContain(ref);
      await s.delete(ref);
      expect(nsFake.requests.length).toBeGreaterThanOrEqual(4);
      expect(nsFake.requests.every((r) => r.namespace === 'team-a/aurora')).toBe(true);
      const outside = createSecretStore(vaultConfig(nsFake, {}, 0), core, fastVault);
      await expect(outside.get(ref)).rejects.toThrow(/Vault denied access \(HTTP 403\)/);
    } finally {
      await nsFake.stop();
    }
  });

  it('retries 429 and 503 with backoff, then succeeds', async () => {
    const s = store();
    const path = secretPath(uid(), 'gcp', 'a');
    fake.failNext(2, 503);
    const ref = await s.put(path, secret({ v: 1 }));
    expect(fake.count('POST', 'data')).toBe(3);
    fake.failNext(1, 429);
    fake.failNext(1, 503);
    expect((await s.get(ref))?.reveal()).toEqual({ v: 1 });
    expect(fake.count('GET', 'data')).toBe(3);
  });

  it('gives up after 3 attempts with a clear error', async () => {
    const s = store();
    fake.failAll = 503;
    await expect(s.get(`vault:kv/data/aurora/${secretPath('u', 'gcp', 'a')}`)).rejects.toThrow(/failed after 3 attempts: HTTP 503/);
    expect(fake.requests).toHaveLength(3);
  });

  it('does not retry a 403 and names the problem without the token', async () => {
    const wrong = `hvs.nope-${randomUUID()}`;
    const e = await failureOf(store({ token: wrong }).put(secretPath(uid(), 'gcp', 'a'), secret({ v: 'x' })));
    expect((e as Error).message).toMatch(/^Vault denied access \(HTTP 403\) to write kv\/aurora\/users\//);
    expectNoLeak(e, [wrong, VAULT_TOKEN]);
    expect(fake.requests).toHaveLength(1);
  });

  it('times out each attempt', async () => {
    fake.latencyMs = 400;
    const s = store({}, { vault: { timeoutMs: 60, retry: { baseDelayMs: 1, maxDelayMs: 2 } } });
    // the message is the proof that each attempt was cut at 60 ms (a wall-clock bound would measure the machine)
    await expect(s.get(`vault:kv/data/aurora/${secretPath('u', 'gcp', 'a')}`)).rejects.toThrow(/failed after 3 attempts: timed out after 60 ms/);
  });

  it('reports an unreachable Vault as a network error', async () => {
    const s = createSecretStore(
      secretsConfig({ backend: 'vault', vault: { addr: 'http://127.0.0.1:9', token: VAULT_TOKEN, mount: 'kv', prefix: 'aurora', namespace: undefined }, cacheTtlMs: 0 }),
      core,
      fastVault,
    );
    const e = await failureOf(s.get(`vault:kv/data/aurora/${secretPath('u', 'gcp', 'a')}`));
    expect((e as Error).message).toMatch(/failed after 3 attempts: network error/);
    expectNoLeak(e, [VAULT_TOKEN]);
  });

  it('honours VAULT_MOUNT and a nested VAULT_PREFIX in refs and URLs', async () => {
    const other = await new FakeVault({ token: VAULT_TOKEN, mounts: ['secret'] }).start();
    try {
      const s = createSecretStore(vaultConfig(other, { mount: 'secret', prefix: 'team/aurora' }, 0), core, fastVault);
      const path = secretPath(uid(), 'gcp', 'a');
      const ref = await s.put(path, secret({ v: 1 }));
      expect(ref).toBe(`vault:secret/data/team/aurora/${path}`);
      expect((await s.get(ref))?.reveal()).toEqual({ v: 1 });
      expect(await s.list!()).toEqual([ref]);
      await expect(s.get(`vault:kv/data/aurora/${path}`)).rejects.toThrow(/outside the configured VAULT_MOUNT\/VAULT_PREFIX/);
    } finally {
      await other.stop();
    }
  });
});

// ---------------------------------------------------------------------------------------------
// AWS Secrets Manager
// ---------------------------------------------------------------------------------------------

describe('secrets manager store specifics', () => {
  const fake = new FakeSecretsManager({ accessKeyId: AWS_GOOD.accessKeyId });
  const store = (over: Partial<Config['secrets']['secretsManager']> = {}) =>
    createSecretStore(smConfig(fake, over, 0), core, { awsCredentials: AWS_GOOD });
  beforeAll(() => fake.start());
  afterAll(() => fake.stop());
  afterEach(() => fake.reset());

  it('creates once, then puts new values; passes the KMS key when configured', async () => {
    const s = store({ kmsKeyId: 'alias/aurora-secrets' });
    const path = secretPath(uid(), 'gcp', 'a');
    const ref = await s.put(path, secret({ v: 1 }));
    await s.put(path, secret({ v: 2 }));
    expect(ref).toBe(`awssm:us-east-1:aurora/${path}`);
    expect(fake.count('CreateSecret')).toBe(2);
    expect(fake.count('PutSecretValue')).toBe(1);
    expect(fake.peek(`aurora/${path}`)).toMatchObject({ kmsKeyId: 'alias/aurora-secrets', value: '{"v":2}' });
  });

  it('deletes without a recovery window', async () => {
    const s = store();
    const path = secretPath(uid(), 'gcp', 'a');
    const ref = await s.put(path, secret({ v: 1 }));
    await s.delete(ref);
    expect(fake.requests.find((r) => r.target === 'DeleteSecret')?.input).toMatchObject({
      SecretId: `aurora/${path}`,
      ForceDeleteWithoutRecovery: true,
    });
    expect(fake.peek(`aurora/${path}`)).toBeUndefined();
  });

  it('treats a secret scheduled for deletion as missing, and a new put reclaims the name', async () => {
    const s = store();
    const path = secretPath(uid(), 'gcp', 'a');
    const ref = await s.put(path, secret({ v: 1 }));
    fake.scheduleDeletion(`aurora/${path}`);
    expect(await s.get(ref)).toBeNull();
    expect(await s.exists(ref)).toBe(false);
    expect(await s.list!()).not.toContain(ref);
    await s.put(path, secret({ v: 2 }));
    expect((await s.get(ref))?.reveal()).toEqual({ v: 2 });
    await expect(s.delete(ref)).resolves.toBeUndefined();
  });

  it('pages through ListSecrets', async () => {
    const s = store();
    const user = uid();
    const refs = [];
    for (let i = 0; i < 5; i++) refs.push(await s.put(secretPath(user, 'gcp', `a${i}`), secret({ i })));
    fake.pageSize = 2;
    expect(await s.list!()).toEqual(expect.arrayContaining(refs));
    expect(fake.count('ListSecrets')).toBeGreaterThanOrEqual(3);
    expect(fake.requests.find((r) => r.target === 'ListSecrets')?.input).toMatchObject({ Filters: [{ Key: 'name', Values: ['aurora/users/'] }] });
  });

  it('lets the SDK retry a transient 500', async () => {
    const s = store();
    const ref = await s.put(secretPath(uid(), 'gcp', 'a'), secret({ v: 1 }));
    fake.failNext(2, 500);
    expect((await s.get(ref))?.reveal()).toEqual({ v: 1 });
    expect(fake.count('GetSecretValue')).toBe(3);
  });

  it('refuses references of another region or prefix', async () => {
    const path = secretPath('u', 'gcp', 'a');
    await expect(store().get(`awssm:eu-west-1:aurora/${path}`)).rejects.toThrow(/outside the configured region/);
    await expect(store().get(`awssm:us-east-1:other/${path}`)).rejects.toThrow(/outside the configured region/);
  });

  it('fake: requires an Authorization header and the JSON 1.1 content type', async () => {
    const call = (headers: Record<string, string>) =>
      fetch(fake.url, { method: 'POST', headers: { 'X-Amz-Target': 'secretsmanager.ListSecrets', ...headers }, body: '{}' });
    const unsigned = await call({ 'Content-Type': 'application/x-amz-json-1.1' });
    expect(unsigned.status).toBe(400);
    expect(await unsigned.json()).toMatchObject({ __type: 'MissingAuthenticationTokenException' });
    const wrongType = await call({ 'Content-Type': 'application/json', Authorization: `AWS4-HMAC-SHA256 Credential=${AWS_GOOD.accessKeyId}/x` });
    expect(await wrongType.json()).toMatchObject({ __type: 'SerializationException' });
  });
});

// ---------------------------------------------------------------------------------------------
// Factory, guard and cache
// ---------------------------------------------------------------------------------------------

describe('createSecretStore', () => {
  it('names the missing Vault setting, never a value', () => {
    const token = `hvs.${randomUUID()}`;
    const noAddr = secretsConfig({ backend: 'vault', vault: { addr: undefined, token, mount: 'kv', prefix: 'aurora', namespace: undefined } });
    expect(() => createSecretStore(noAddr, core)).toThrow(ConfigError);
    expect(() => createSecretStore(noAddr, core)).toThrow(/VAULT_ADDR/);
    expectNoLeak(failureOfSync(() => createSecretStore(noAddr, core)), [token]);
    const noToken = secretsConfig({ backend: 'vault', vault: { addr: 'https://vault.example.com', token: undefined, mount: 'kv', prefix: 'aurora', namespace: undefined } });
    expect(() => createSecretStore(noToken, core)).toThrow(/VAULT_TOKEN/);
  });

  it('picks the backend, and wraps it in the cache unless the TTL is 0', () => {
    const vault = { addr: 'https://vault.example.com', token: 't', mount: 'kv', prefix: 'aurora', namespace: undefined };
    for (const backend of ['local', 'vault', 'aws-secrets-manager'] as const) {
      expect(createSecretStore(secretsConfig({ backend, vault }), core).kind).toBe(backend);
    }
    expect(createSecretStore(secretsConfig(), core)).toBeInstanceOf(CachedSecretStore);
    expect(createSecretStore(secretsConfig({ cacheTtlMs: 0 }), core)).not.toBeInstanceOf(CachedSecretStore);
  });

  it('puts local secrets under <AURORA_DATA_DIR>/secrets by default', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'aurora-data-'));
    try {
      const s = createSecretStore(secretsConfig(), { dataDir, region: 'us-east-1' });
      await s.put(secretPath(uid(), 'gcp', 'a'), secret({ x: 1 }));
      expect((await stat(join(dataDir, 'secrets', '.key'))).isFile()).toBe(true);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('maps references to backends', () => {
    expect(resolveBackendForRef('local:users/u/p/a')).toBe('local');
    expect(resolveBackendForRef('vault:kv/data/aurora/users/u/p/a')).toBe('vault');
    expect(resolveBackendForRef('awssm:us-east-1:aurora/users/u/p/a')).toBe('aws-secrets-manager');
    expect(() => resolveBackendForRef('AKIA-not-a-ref')).toThrow(SecretStoreError);
    expect(() => resolveBackendForRef('AKIA-not-a-ref')).not.toThrow(/AKIA/);
  });

  it('does not load the Secrets Manager SDK until the store is used', () => {
    const index = pathToFileURL(resolve('lib/secrets/index.ts')).href;
    const script = `
      import { createRequire } from 'node:module';
      const require = createRequire(import.meta.url);
      const sdkLoaded = () => Object.keys(require.cache).some((k) => k.includes('client-secrets-manager'));
      const { createSecretStore } = await import(${JSON.stringify(index)});
      const cfg = { backend: 'aws-secrets-manager', vault: {}, secretsManager: { endpoint: 'http://127.0.0.1:9', prefix: 'aurora' }, cacheTtlMs: 0 };
      const store = createSecretStore(cfg, { dataDir: '.', region: 'us-east-1' }, { awsCredentials: { accessKeyId: 'AKIA', secretAccessKey: 'x' } });
      const before = sdkLoaded();
      await store.exists('awssm:us-east-1:aurora/users/u/p/a').catch(() => {});
      console.log(JSON.stringify({ before, after: sdkLoaded() }));
    `;
    const run = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 20000 });
    expect(run.stderr).not.toMatch(/Error/);
    expect(JSON.parse(run.stdout.trim().split('\n').at(-1)!)).toEqual({ before: false, after: true });
  });
});

function failureOfSync(fn: () => unknown): unknown {
  try {
    fn();
    return undefined;
  } catch (e) {
    return e;
  }
}

/** An in-memory backend that counts reads and can hold a read open. */
class MemoryStore implements SecretStore {
  readonly kind = 'local' as const;
  readonly data = new Map<string, string>();
  reads = 0;
  gate?: Promise<void>;
  async put(path: string, value: SecretValue<SecretDocument>): Promise<string> {
    this.data.set(`local:${path}`, JSON.stringify(value.reveal()));
    return `local:${path}`;
  }
  async get(ref: string): Promise<SecretValue<SecretDocument> | null> {
    this.reads++;
    const text = this.data.get(ref);
    await this.gate;
    return text === undefined ? null : secret(JSON.parse(text) as SecretDocument);
  }
  async delete(ref: string): Promise<void> {
    this.data.delete(ref);
  }
  async exists(ref: string): Promise<boolean> {
    return this.data.has(ref);
  }
}

describe('CachedSecretStore', () => {
  const setup = (opts: { ttlMs?: number; maxEntries?: number } = {}) => {
    let now = 1000;
    const inner = new MemoryStore();
    const cache = new CachedSecretStore(inner, { ttlMs: opts.ttlMs ?? 100, maxEntries: opts.maxEntries, now: () => now });
    return { inner, cache, tick: (ms: number) => void (now += ms) };
  };

  it('expires entries after the TTL', async () => {
    const { inner, cache, tick } = setup({ ttlMs: 100 });
    const ref = await cache.put('users/u/gcp/a', secret({ v: 1 }));
    await cache.get(ref);
    tick(99);
    await cache.get(ref);
    expect(inner.reads).toBe(1);
    tick(1);
    await cache.get(ref);
    expect(inner.reads).toBe(2);
  });

  it('evicts the least recently used entry beyond maxEntries', async () => {
    const { inner, cache } = setup({ ttlMs: 60000, maxEntries: 2 });
    const [a, b, c] = await Promise.all(['a', 'b', 'c'].map((x) => cache.put(`users/u/gcp/${x}`, secret({ x }))));
    await cache.get(a);
    await cache.get(b);
    await cache.get(a); // a is now the most recent
    await cache.get(c); // evicts b
    expect(inner.reads).toBe(3);
    await cache.get(a);
    expect(inner.reads).toBe(3);
    await cache.get(b);
    expect(inner.reads).toBe(4);
  });

  it('does not cache misses', async () => {
    const { inner, cache } = setup();
    expect(await cache.get('local:users/u/gcp/none')).toBeNull();
    expect(await cache.get('local:users/u/gcp/none')).toBeNull();
    expect(inner.reads).toBe(2);
  });

  it('hands out copies, so a caller mutating its document cannot change the next read', async () => {
    const { cache } = setup();
    const ref = await cache.put('users/u/gcp/a', secret({ list: [1] }));
    ((await cache.get(ref))!.reveal().list as number[]).push(2);
    expect((await cache.get(ref))?.reveal()).toEqual({ list: [1] });
  });

  it('does not keep a value read while a write to it was in flight', async () => {
    const { inner, cache } = setup({ ttlMs: 60000 });
    const ref = await cache.put('users/u/gcp/a', secret({ v: 'old' }));
    let open!: () => void;
    inner.gate = new Promise((r) => (open = r));
    const slowRead = cache.get(ref);
    inner.gate = undefined;
    await cache.put('users/u/gcp/a', secret({ v: 'new' }));
    open();
    expect((await slowRead)?.reveal()).toEqual({ v: 'old' });
    expect((await cache.get(ref))?.reveal()).toEqual({ v: 'new' });
  });

  it('asks the backend for exists(), and has list() only when the backend does', async () => {
    const { inner, cache } = setup();
    const ref = await cache.put('users/u/gcp/a', secret({ v: 1 }));
    await cache.get(ref);
    inner.data.clear();
    expect(await cache.exists(ref)).toBe(false);
    expect(cache.list).toBeUndefined();
  });
});
