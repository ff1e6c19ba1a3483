import { spawnSync } from 'node:child_process';
import { createCipheriv, randomBytes, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * Deployed, a secret setting reaches a function only as an SST link (issue 16): SST writes the
 * linked values into resource.enc in the bundle, encrypted with the key in SST_KEY
 * (sst/sst platform/src/components/aws/function.ts; AES-256-GCM, zero nonce, tag appended), and
 * lib/config.ts reads them through the `sst` package's Resource. This builds that file the way
 * SST does and runs lib/config.ts in a fresh process (Resource loads once per process, as per
 * container).
 */
const root = resolve(import.meta.dirname, '../..');
const dir = mkdtempSync(join(tmpdir(), 'aurora-linked-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function sstBundle(resources: Record<string, unknown>): { SST_KEY: string; SST_KEY_FILE: string } {
  const key = randomBytes(32);
  const cipher = createCipheriv('aes-256-gcm', key, Buffer.alloc(12, 0));
  const body = Buffer.concat([cipher.update(JSON.stringify(resources), 'utf8'), cipher.final(), cipher.getAuthTag()]);
  const file = join(dir, `resource-${randomUUID()}.enc`);
  writeFileSync(file, body);
  return { SST_KEY: key.toString('base64'), SST_KEY_FILE: file };
}

/** What lib/config.ts makes of CLIENT_SECRET in a function with this environment (never printed: compared in the child). */
function clientSecretIn(env: Record<string, string>, expected: string): { same: boolean; set: boolean; error?: string } {
  const script = `
    const { load } = await import(${JSON.stringify(join(root, 'lib/config.ts'))});
    try {
      const v = load(process.env).gcp.clientSecret;
      console.log(JSON.stringify({ same: v === process.env.EXPECTED, set: v !== undefined }));
    } catch (e) { console.log(JSON.stringify({ same: false, set: false, error: String(e.message) })); }
  `;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', env: { PATH: process.env.PATH, EXPECTED: expected, ...env } });
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { same: boolean; set: boolean };
}

describe('secret settings from SST links', () => {
  it('a linked SST Secret named after the setting gives its value, without it being in the environment', () => {
    const value = `linked-${randomUUID()}`;
    const env = { AURORA_STAGE: 'production', ...sstBundle({ ClientSecret: { type: 'sst.sst.Secret', value }, App: { name: 'aurora-connectors', stage: 'production' } }) };
    expect(clientSecretIn(env, value)).toEqual({ same: true, set: true });
  });

  it('an environment value wins (local runs), an empty linked secret is unset, no link is unset', () => {
    const linked = `linked-${randomUUID()}`;
    const local = `local-${randomUUID()}`;
    expect(clientSecretIn({ CLIENT_SECRET: local, ...sstBundle({ ClientSecret: { value: linked } }) }, local)).toEqual({ same: true, set: true });
    expect(clientSecretIn(sstBundle({ ClientSecret: { value: '' } }), '')).toEqual({ same: false, set: false });
    expect(clientSecretIn({}, '')).toEqual({ same: false, set: false });
  });

  it('SST_RESOURCE_<Name> variables (SST 3 and earlier) are not read', () => {
    const value = `old-${randomUUID()}`;
    // SST's own Resource still parses them, so only a secret named after the setting could come
    // through; the table and state machine fallbacks are gone (TABLE_NAME, GCP_SETUP_STATE_MACHINE_ARN)
    const r = spawnSync(
      process.execPath,
      ['--input-type=module', '-e', `const { load } = await import(${JSON.stringify(join(root, 'lib/config.ts'))}); const c = load(process.env); console.log(JSON.stringify([c.core.tableName, c.gcp.stateMachineArn ?? null]));`],
      { cwd: root, encoding: 'utf8', env: { PATH: process.env.PATH, SST_RESOURCE_Table: JSON.stringify({ name: value }), SST_RESOURCE_GcpSetup: JSON.stringify({ arn: value }) } },
    );
    expect(r.status, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout.trim())).toEqual(['aurora-connectors', null]);
  });
});
