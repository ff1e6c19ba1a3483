import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { bundleOptions } from '../../lib/build/bundle.ts';

/**
 * What is deployed is what is tested (issue 16): the AWS SDK is bundled at the package-lock's
 * versions rather than taken from the runtime, and SST is left to keep source maps out of the
 * zips (stacks/functions.ts, lib/build/bundle.ts).
 */
const root = resolve(import.meta.dirname, '../..');

describe('Lambda bundles', () => {
  it('carry the AWS SDK clients they use, at the versions the suite runs; only node: builtins stay outside', async () => {
    const r = await build({ ...bundleOptions, entryPoints: [resolve(root, 'functions/connections/list.ts')], write: false, metafile: true, absWorkingDir: root, outdir: 'out', logLevel: 'silent' });
    const externals = Object.values(r.metafile.outputs).flatMap((o) => o.imports.filter((i) => i.external).map((i) => i.path));
    expect(externals.filter((p) => !p.startsWith('node:') && !['web-streams-polyfill', 'crypto', 'fs', 'process', 'module', 'url'].includes(p.split('/')[0]))).toEqual([]);
    const inputs = Object.keys(r.metafile.inputs);
    // DynamoDB goes through our own client (lib/db/dynamodb.ts); the SDK's credential chain, loaded
    // only where the function role's variables are absent, is what of the SDK this function carries
    expect(inputs.filter((i) => /node_modules\/@aws-sdk\/(client-dynamodb|lib-dynamodb)\//.test(i))).toEqual([]);
    const chain = inputs.find((i) => i.includes('node_modules/@aws-sdk/credential-provider-node/'));
    expect(chain, 'the credential chain is in the bundle').toBeDefined();
    const lock = JSON.parse(readFileSync(resolve(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, { version: string }> };
    const installed = JSON.parse(readFileSync(resolve(root, 'node_modules/@aws-sdk/credential-provider-node/package.json'), 'utf8')) as { version: string };
    expect(installed.version).toBe(lock.packages['node_modules/@aws-sdk/credential-provider-node'].version);
  }, 60_000);

  it("SST's source-map default is kept (maps uploaded for the Console, none in the zip); only `external` and `splitting` are passed on", () => {
    const stack = readFileSync(resolve(root, 'stacks/functions.ts'), 'utf8');
    const nodejs = /nodejs: \{([^\n]*)\},?\n/.exec(stack)?.[1] ?? '';
    expect(nodejs).toContain('esbuild: { external: [...bundleOptions.external] }');
    // lazy imports stay lazy in the deployed zip too, as in the bundles the bench measures
    expect(nodejs).toContain('splitting: bundleOptions.splitting');
    expect(bundleOptions.splitting).toBe(true);
    expect(nodejs).not.toMatch(/sourcemap/);
    expect(bundleOptions.external).not.toContain('@aws-sdk/*');
    expect(bundleOptions.target).toBe('es2024');
  });
});
