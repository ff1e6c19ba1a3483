import { resolve } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { bundleOptions } from '../../lib/build/bundle.ts';
import { routes } from '../../lib/http/routes.ts';

/**
 * What loads where (docs/performance.md): a size budget, from esbuild's metafile, for one function
 * of each kind, and the heavy libraries each may carry. Sizes are deterministic for a given
 * package-lock, unlike import times, so a regression fails here rather than in a bench note. A
 * budget that has to grow needs its reason in docs/performance.md first.
 */
const root = resolve(import.meta.dirname, '../..');

/** The libraries that cost the most; each may appear only in the functions that use it. */
const HEAVY = {
  msal: 'node_modules/@azure/msal-node/',
  googleapis: 'node_modules/googleapis-common/',
  lambda: 'node_modules/@aws-sdk/client-lambda/',
  sts: 'node_modules/@aws-sdk/client-sts/',
  sfn: 'node_modules/@aws-sdk/client-sfn/',
  mcp: 'node_modules/@modelcontextprotocol/',
} as const;
type Heavy = keyof typeof HEAVY;

const CASES: Array<{ id: string; kb: number; carries: Heavy[] }> = [
  // the common case: the floor's DynamoDB client, config's zod schemas, the secret store, routing
  { id: 'connections.list', kb: 570, carries: [] },
  { id: 'azure.login', kb: 960, carries: ['msal'] },
  { id: 'gcp.status', kb: 945, carries: ['googleapis'] },
  { id: 'gcp.callback', kb: 990, carries: ['googleapis', 'sfn'] },
  { id: 'cloudTool.run', kb: 1390, carries: ['googleapis', 'lambda', 'sts'] },
  { id: 'mcp.endpoint', kb: 2190, carries: ['msal', 'googleapis', 'lambda', 'sts', 'mcp'] },
];

describe('Lambda bundle budgets', () => {
  it('each function stays within its size budget and carries only the heavy libraries it uses', async () => {
    const handlers = Object.fromEntries(CASES.map((c) => [c.id, resolve(root, routes.find((r) => r.id === c.id)!.handler)]));
    const r = await build({ ...bundleOptions, entryPoints: handlers, write: false, metafile: true, absWorkingDir: root, outdir: 'out', logLevel: 'silent' });
    const outputs = Object.values(r.metafile.outputs) as Array<Metafile['outputs'][string]>;
    const found = CASES.map((c) => {
      const o = outputs.find((x) => x.entryPoint && resolve(root, x.entryPoint) === handlers[c.id])!;
      const inputs = Object.keys(o.inputs);
      return { id: c.id, kb: Math.ceil(o.bytes / 1024), carries: (Object.keys(HEAVY) as Heavy[]).filter((h) => inputs.some((i) => i.includes(HEAVY[h]))) };
    });
    expect(found.map((f) => ({ id: f.id, carries: f.carries }))).toEqual(CASES.map((c) => ({ id: c.id, carries: c.carries })));
    const over = found.filter((f) => f.kb > CASES.find((c) => c.id === f.id)!.kb);
    expect(over, 'over budget (KB); see docs/performance.md before raising one').toEqual([]);
  }, 300_000);
});
