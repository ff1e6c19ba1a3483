import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalRuntime, type LocalRuntime } from '../../lib/local/runtime.ts';
import { SCALEWAY_FIXTURES, type ScalewaySimulator } from '../../lib/connectors/scaleway/simulator.ts';

/**
 * `npm run revalidate` as a user runs it: a separate process that finds the running local runtime
 * (its runtime.json), checks every connection against the simulated clouds and records changes.
 */
const run = promisify(execFile);
const dataDir = mkdtempSync(join(tmpdir(), 'aurora-revalidate-'));
let rt: LocalRuntime;
const scw = () => rt.simulators.find((s) => s.name === 'scaleway') as ScalewaySimulator;

async function revalidate(): Promise<Record<string, number>> {
  const { stdout } = await run(process.execPath, ['scripts/revalidate.ts', '--data-dir', dataDir], { env: { PATH: process.env.PATH, LOG_LEVEL: 'warn', SCALEWAY_HTTP_ATTEMPTS: '1' } });
  return JSON.parse(stdout.trim().split('\n').pop()!);
}

async function status(): Promise<string> {
  const r = await fetch(`${rt.url}/api/user_connections`, { headers: { 'x-user-id': 'rv-user' } });
  const list = (await r.json()) as Array<{ provider: string; status: string }>;
  return list.find((c) => c.provider === 'scaleway')!.status;
}

beforeAll(async () => {
  rt = await startLocalRuntime({ port: 0, dataDir, simulate: true, env: { LOG_LEVEL: 'silent' } });
  const r = await fetch(`${rt.url}/scaleway_api/scaleway/connect`, {
    method: 'POST',
    headers: { 'x-user-id': 'rv-user', 'content-type': 'application/json' },
    body: JSON.stringify({ access_key: SCALEWAY_FIXTURES.validKey.accessKey, secret_key: SCALEWAY_FIXTURES.validKey.secretKey }),
  });
  expect(r.status).toBe(200);
});
afterAll(async () => {
  await rt.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('npm run revalidate against the simulators', () => {
  it('flips a revoked connection to error, and back to connected once the key is restored', async () => {
    scw().revokeKey(SCALEWAY_FIXTURES.validKey.accessKey);
    expect((await revalidate()).markedError).toBeGreaterThanOrEqual(1);
    expect(await status()).toBe('error');
    scw().restoreKey(SCALEWAY_FIXTURES.validKey.accessKey);
    expect((await revalidate()).recovered).toBeGreaterThanOrEqual(1);
    expect(await status()).toBe('connected');
  });

  it('leaves connections alone through a provider-wide outage until the failure count is reached', async () => {
    scw().fail({ status: 503 });
    await revalidate();
    await revalidate();
    expect(await status()).toBe('connected');
    await revalidate();
    expect(await status()).toBe('error');
    scw().reset();
    await revalidate();
    expect(await status()).toBe('connected');
  });
});
