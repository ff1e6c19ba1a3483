import { createPrivateKey, createPublicKey, sign, verify } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { deps } from '../../lib/deps.ts';
import { getConnection } from '../../lib/connections/repo.ts';
import { setRetryDelayScale } from '../../lib/provider-http.ts';
import { TAILSCALE_FIXTURES as F, type TailscaleSimulator } from '../../lib/connectors/tailscale/simulator.ts';
import { tailscaleTokenForUser } from '../../lib/connectors/tailscale/service.ts';
import { sshSecretPath } from '../../lib/connectors/tailscale/ssh-key.ts';
import { findLeaks, startTestRuntime, withSettings, type TestRuntime } from '../helpers/runtime.ts';

const CONNECT = '/tailscale_api/tailscale/connect';
const STATUS = '/tailscale_api/tailscale/status';
const SSH = '/tailscale_api/tailscale/ssh-setup';
const DISCONNECT = '/tailscale_api/tailscale/disconnect';
const SECRETS: string[] = [F.client.clientSecret, F.readOnlyClient.clientSecret, F.noScopeClient.clientSecret, F.wrongSecret];

let rt: TestRuntime;
let sim: TailscaleSimulator;

const client = { client_id: F.client.clientId, client_secret: F.client.clientSecret };
const connect = (user: string, body: Record<string, unknown>) => rt.request('POST', CONNECT, { user, body });
const record = (user: string, accountId: string = F.tailnetDnsName) => getConnection(deps().db, { userId: user, provider: 'tailscale', accountId });
/** the private half as stored, so the leak scan looks for it too */
async function storedPrivateKey(user: string): Promise<string> {
  const ref = (await deps().secrets.list!()).find((r) => r.endsWith(sshSecretPath(user)))!;
  const key = (await deps().secrets.get(ref))!.reveal().private_key as string;
  SECRETS.push(...key.split('\n').filter((l) => l.length > 40));
  return key;
}

beforeAll(async () => {
  setRetryDelayScale(0.001);
  rt = await startTestRuntime({ simulate: true, env: {} });
  sim = rt.runtime.simulators.find((s) => s.name === 'tailscale') as TailscaleSimulator;
});
afterEach(() => sim.reset());
afterAll(async () => {
  expect(findLeaks([...rt.responses, ...rt.logs], [...SECRETS, ...sim.issuedTokens()])).toEqual([]);
  await rt.close();
  setRetryDelayScale(1);
});

describe('Tailscale connect → list → status → ssh-setup → disconnect', () => {
  it('walks the whole flow; disconnect revokes our tokens and removes the client secret and the SSH key pair', async () => {
    const c = await connect('ts-walk', client);
    expect(c.status).toBe(200);
    expect(c.body).toEqual({ success: true, message: 'Tailscale connected successfully', tailnet: F.tailnetDnsName, tailnetName: F.tailnetDnsName, deviceCount: 3 });

    const list = await rt.request('GET', '/api/user_connections', { user: 'ts-walk' });
    expect(list.body).toEqual([expect.objectContaining({ provider: 'tailscale', account_id: F.tailnetDnsName, account_name: F.tailnetDnsName, status: 'connected' })]);
    const conn = (await record('ts-walk'))!;
    expect(conn.metadata).toMatchObject({ client_id: F.client.clientId, tailnet: F.tailnetDnsName, tailnet_name: F.tailnetDnsName });
    expect(JSON.stringify(conn)).not.toContain(F.client.clientSecret);
    expect((await deps().secrets.get(conn.secretRef!))!.reveal()).toEqual({ client_secret: F.client.clientSecret });

    const s = await rt.request('GET', STATUS, { user: 'ts-walk' });
    expect(s.body).toEqual({ connected: true, provider: 'tailscale', status: 'connected', tailnet: F.tailnetDnsName, tailnetName: F.tailnetDnsName });

    const ssh = await rt.request('GET', SSH, { user: 'ts-walk' });
    expect(ssh.status).toBe(200);
    expect(ssh.body.sshPublicKey).toMatch(/^ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI[A-Za-z0-9+/]{43} aurora-ts-walk$/);
    expect(ssh.body.command).toContain(ssh.body.sshPublicKey);
    expect(ssh.body.instructions.length).toBeGreaterThan(1);
    expect((await rt.request('GET', SSH, { user: 'ts-walk' })).body.sshPublicKey).toBe(ssh.body.sshPublicKey);
    const pem = await storedPrivateKey('ts-walk');
    expect(pem).toMatch(/^-----BEGIN OPENSSH PRIVATE KEY-----\n/);
    expect(ssh.text).not.toContain('PRIVATE KEY');

    expect(sim.liveTokens(F.client.clientId)).toBeGreaterThan(0);
    const d = await rt.request('POST', DISCONNECT, { user: 'ts-walk' });
    expect(d.status).toBe(200);
    expect(d.body).toEqual({ success: true, message: 'Tailscale disconnected successfully' });
    expect(sim.liveTokens(F.client.clientId)).toBe(0);
    expect((await rt.request('GET', '/api/user_connections', { user: 'ts-walk' })).body).toEqual([]);
    expect(await deps().secrets.exists(conn.secretRef!)).toBe(false);
    expect((await deps().secrets.list!()).filter((r) => r.includes('/tailscale/'))).not.toContainEqual(expect.stringContaining(sshSecretPath('ts-walk')));
    expect((await rt.request('GET', STATUS, { user: 'ts-walk' })).body).toEqual({ connected: false, provider: 'tailscale', status: 'not_connected', reason: 'Tailscale is not connected' });

    // a later connect gets a new key pair: the old one is gone for good
    await connect('ts-walk', client);
    expect((await rt.request('GET', SSH, { user: 'ts-walk' })).body.sshPublicKey).not.toBe(ssh.body.sshPublicKey);
    await storedPrivateKey('ts-walk');
  });

  it('a named tailnet is the account; its display name is the MagicDNS name', async () => {
    const c = await connect('ts-named', { clientId: F.client.clientId, clientSecret: F.client.clientSecret, tailnet: F.tailnet });
    expect(c.status).toBe(200);
    expect(c.body).toMatchObject({ tailnet: F.tailnet, tailnetName: F.tailnetDnsName, deviceCount: 3 });
    expect((await record('ts-named', F.tailnet))?.accountName).toBe(F.tailnetDnsName);
    expect((await rt.request('GET', STATUS, { user: 'ts-named' })).body).toMatchObject({ connected: true, tailnet: F.tailnet, tailnetName: F.tailnetDnsName });
  });

  it('the stored private key is a working OpenSSH ed25519 key matching the public key', async () => {
    await connect('ts-keycheck', client);
    const pub = (await rt.request('GET', SSH, { user: 'ts-keycheck' })).body.sshPublicKey as string;
    const pem = await storedPrivateKey('ts-keycheck');
    const blob = Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s/g, ''), 'base64');
    expect(blob.subarray(0, 15).toString()).toBe('openssh-key-v1\0');
    const pubRaw = Buffer.from(pub.split(' ')[1], 'base64').subarray(-32);
    const idx = blob.lastIndexOf(Buffer.concat([Buffer.from([0, 0, 0, 64])]));
    const seed = blob.subarray(idx + 4, idx + 36);
    expect(blob.subarray(idx + 36, idx + 68).equals(pubRaw)).toBe(true);
    const priv = createPrivateKey({ key: { kty: 'OKP', crv: 'Ed25519', d: seed.toString('base64url'), x: pubRaw.toString('base64url') }, format: 'jwk' });
    const pubKey = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: pubRaw.toString('base64url') }, format: 'jwk' });
    expect(verify(null, Buffer.from('hello'), pubKey, sign(null, Buffer.from('hello'), priv))).toBe(true);
  });

  it('concurrent first ssh-setup calls agree on one key pair', async () => {
    await connect('ts-race', client);
    const answers = await Promise.all(Array.from({ length: 6 }, () => rt.request('GET', SSH, { user: 'ts-race' })));
    expect(new Set(answers.map((a) => a.body.sshPublicKey)).size).toBe(1);
    const pem = await storedPrivateKey('ts-race');
    const pubRaw = Buffer.from(answers[0].body.sshPublicKey.split(' ')[1], 'base64').subarray(-32);
    expect(Buffer.from(pem.replace(/-----[^-]+-----/g, '').replace(/\s/g, ''), 'base64').includes(pubRaw)).toBe(true);
  });

  it('cloud_tool adapter: a fresh token that the API accepts', async () => {
    await connect('ts-token', client);
    const token = await tailscaleTokenForUser(deps(), 'ts-token');
    expect(String(token)).toBe('[redacted]');
    const r = await fetch(`${sim.url}/api/v2/tailnet/-/devices`, { headers: { authorization: `Bearer ${token.reveal()}` } });
    expect(r.status).toBe(200);
    await expect(tailscaleTokenForUser(deps(), 'ts-nobody')).rejects.toMatchObject({ status: 401, extra: { action: 'CONNECT_REQUIRED' } });
  });

  it('a client without the auth_keys scope still disconnects; its tokens are left to expire', async () => {
    await connect('ts-ro', { client_id: F.readOnlyClient.clientId, client_secret: F.readOnlyClient.clientSecret });
    const conn = (await record('ts-ro'))!;
    const d = await rt.request('POST', DISCONNECT, { user: 'ts-ro' });
    expect(d.status).toBe(200);
    expect(await deps().secrets.exists(conn.secretRef!)).toBe(false);
    expect(rt.logs.some((l) => l.includes('provider-side revocation failed') && l.includes('tailscale'))).toBe(true);
  });
});

describe('Tailscale connect errors', () => {
  it('missing fields → 400 naming them; a malformed tailnet → 400 naming tailnet', async () => {
    const a = await connect('ts-err', { client_secret: 'x' });
    expect(a.status).toBe(400);
    expect(a.body.error.field).toBe('client_id');
    const b = await connect('ts-err', { client_id: F.client.clientId });
    expect(b.body.error.field).toBe('client_secret');
    const c = await connect('ts-err', { ...client, tailnet: 'bad tailnet/../x' });
    expect(c.status).toBe(400);
    expect(c.body.error.field).toBe('tailnet');
  });

  it('a wrong client secret → 401 with the documented message', async () => {
    const r = await connect('ts-wrong', { client_id: F.client.clientId, client_secret: F.wrongSecret });
    expect(r.status).toBe(401);
    expect(r.body.error.message).toBe('Invalid credentials. Please check your client ID and secret.');
    expect(await record('ts-wrong')).toBeNull();
  });

  it('a client lacking the device scope → 403 naming the missing scopes', async () => {
    const r = await connect('ts-scope', { client_id: F.noScopeClient.clientId, client_secret: F.noScopeClient.clientSecret });
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('missing_scopes');
    expect(r.body.error.message).toMatch(/missing required scopes: devices:core:read/);
    expect(r.body.missing_scopes).toEqual(['devices:core:read']);
  });

  it('the device endpoint refusing (403) is reported as missing scopes too', async () => {
    // the token endpoint's scope list is optional; the API's own 403 must lead to the same answer
    sim.fail({ status: 403, path: /\/devices$/ });
    const r = await connect('ts-scope2', client);
    expect(r.status).toBe(403);
    expect(r.body.error.code).toBe('missing_scopes');
  });

  it('an unknown tailnet → 404 "Tailnet not found"', async () => {
    const r = await connect('ts-404', { ...client, tailnet: F.unknownTailnet });
    expect(r.status).toBe(404);
    expect(r.body.error.message).toBe('Tailnet not found');
    expect(r.body.error.field).toBe('tailnet');
    expect(await record('ts-404', F.unknownTailnet)).toBeNull();
  });

  it('Tailscale down → 503 after retries, nothing stored', async () => {
    sim.fail({ status: 503 });
    const r = await connect('ts-down', client);
    expect(r.status).toBe(503);
    expect(await record('ts-down')).toBeNull();
  });
});

describe('Tailscale status', () => {
  it('not connected: status says so and ssh-setup asks to connect', async () => {
    expect((await rt.request('GET', STATUS, { user: 'ts-none' })).body).toEqual({ connected: false, provider: 'tailscale', status: 'not_connected', reason: 'Tailscale is not connected' });
    const s = await rt.request('GET', SSH, { user: 'ts-none' });
    expect(s.status).toBe(401);
    expect(s.body.action).toBe('CONNECT_REQUIRED');
  });

  it('a 5xx marks the connection error with the reason and keeps the secret; the next good check reconnects', async () => {
    await connect('ts-fault', client);
    const ref = (await record('ts-fault'))!.secretRef!;
    sim.fail({ status: 502 });
    const bad = await rt.request('GET', STATUS, { user: 'ts-fault' });
    expect(bad.body).toMatchObject({ connected: false, provider: 'tailscale', status: 'error', tailnet: F.tailnetDnsName });
    expect(bad.body.reason).toMatch(/unavailable.*HTTP 502/);
    expect((await rt.request('GET', '/api/user_connections', { user: 'ts-fault' })).body[0]).toMatchObject({ status: 'error', status_reason: bad.body.reason });
    expect(await deps().secrets.exists(ref)).toBe(true);
    sim.reset();
    expect((await rt.request('GET', STATUS, { user: 'ts-fault' })).body.connected).toBe(true);
    expect((await record('ts-fault'))?.status).toBe('connected');
  });

  it('a timeout marks the connection error; recovery follows', async () => {
    await connect('ts-slow', client);
    sim.fail({ delayMs: 1000 });
    const bad = await withSettings({ TAILSCALE_HTTP_TIMEOUT_MS: '250' }, () => rt.request('GET', STATUS, { user: 'ts-slow' }));
    expect(bad.body.status).toBe('error');
    expect(bad.body.reason).toMatch(/timed out/);
    sim.reset();
    expect((await rt.request('GET', STATUS, { user: 'ts-slow' })).body.connected).toBe(true);
  });

  it('a client deleted at Tailscale sets error, keeps the record and secret; re-enabled it recovers', async () => {
    await connect('ts-gone', { client_id: F.readOnlyClient.clientId, client_secret: F.readOnlyClient.clientSecret });
    const ref = (await record('ts-gone'))!.secretRef!;
    sim.disableClient(F.readOnlyClient.clientId);
    try {
      const s = await rt.request('GET', STATUS, { user: 'ts-gone' });
      expect(s.body).toMatchObject({ connected: false, status: 'error' });
      expect(s.body.reason).toMatch(/Invalid credentials/);
      expect(await deps().secrets.exists(ref)).toBe(true);
      await expect(tailscaleTokenForUser(deps(), 'ts-gone')).rejects.toMatchObject({ status: 401 });
    } finally {
      sim.enableClient(F.readOnlyClient.clientId);
    }
    expect((await rt.request('GET', STATUS, { user: 'ts-gone' })).body.connected).toBe(true);
  });

  it("another user sees nothing of the first user's tailnet", async () => {
    await connect('ts-owner', client);
    await rt.request('GET', SSH, { user: 'ts-owner' });
    await storedPrivateKey('ts-owner');
    expect((await rt.request('GET', STATUS, { user: 'ts-intruder' })).body).toEqual({ connected: false, provider: 'tailscale', status: 'not_connected', reason: 'Tailscale is not connected' });
    expect((await rt.request('GET', SSH, { user: 'ts-intruder' })).status).toBe(401);
    expect((await rt.request('POST', DISCONNECT, { user: 'ts-intruder' })).status).toBe(200);
    expect((await record('ts-owner'))?.status).toBe('connected');
    expect((await rt.request('GET', STATUS, { user: 'ts-owner' })).body.connected).toBe(true);
  });
});
