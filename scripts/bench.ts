/**
 * npm run bench [-- --json]
 * Bundle size and cold import time per function (built exactly as deployed), and request latency
 * through the local gateway. Numbers for issue notes, never pass/fail.
 */
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { bundleOptions } from '../lib/build/bundle.ts';
import { routes } from '../lib/http/routes.ts';
import { setLogLevel } from '../lib/log.ts';

const { values } = parseArgs({ options: { json: { type: 'boolean', default: false }, only: { type: 'string' } } });
const outDir = resolve('.bench');
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))];
const round = (n: number) => Math.round(n * 100) / 100;

async function bundle(name: string, entry: string): Promise<string> {
  const outfile = join(outDir, `${name}.mjs`);
  await build({ ...bundleOptions, entryPoints: [entry], outfile, logLevel: 'silent' });
  return outfile;
}

/** Import times (ms) of the bundle in `runs` fresh processes (a Lambda cold start pays this). */
function importSamples(file: string, runs = 5): number[] {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', `const t=performance.now(); await import(${JSON.stringify('file://' + file)}); process.stdout.write(String(performance.now()-t));`], {
      env: { PATH: process.env.PATH, AURORA_STAGE: 'bench' },
    });
    times.push(Number(out.toString()));
  }
  return times;
}
const importMs = (file: string) => round(median(importSamples(file)));

// The floor: what any function that talks to DynamoDB must load anyway. Sampled before, between and
// after the functions (5 each, median of all) so a drift in machine load does not skew the ratios.
const floorEntry = join(outDir, 'floor-entry.ts');
writeFileSync(floorEntry, "import { DynamoDBClient } from '@aws-sdk/client-dynamodb';\nimport { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';\nexport const c = DynamoDBDocumentClient.from(new DynamoDBClient({}));\n");
const floorFile = await bundle('floor', floorEntry);
const floorSamples = importSamples(floorFile);

const functions: Array<{ name: string; bundle_bytes: number; import_ms: number }> = [];
const seen = new Set<string>();
const entries = [...routes.map((r) => ({ name: r.id, handler: r.handler }))];
// Optional parts, present once their areas exist: the workflow step functions and the workflow bench.
const optional = async <T>(path: string): Promise<T | null> => (existsSync(resolve(path)) ? ((await import(pathToFileURL(resolve(path)).href)) as T) : null);
const steps = await optional<{ workflowSteps: Array<{ name: string; handler: string }> }>('lib/gcp-setup/steps-index.ts');
entries.push(...(steps?.workflowSteps ?? []).map((s) => ({ name: `workflow.${s.name}`, handler: s.handler })));
for (const e of entries) {
  if (seen.has(e.handler) || (values.only && !e.name.includes(values.only))) continue;
  seen.add(e.handler);
  const file = await bundle(e.name, e.handler);
  functions.push({ name: e.name, bundle_bytes: statSync(file).size, import_ms: importMs(file) });
  if (functions.length === Math.ceil(entries.length / 2)) floorSamples.push(...importSamples(floorFile));
}
floorSamples.push(...importSamples(floorFile));
const floor_import_ms = round(median(floorSamples));

// Request latency through the local gateway.
setLogLevel('silent');
const { startLocalRuntime } = await import('../lib/local/runtime.ts');
const { deps } = await import('../lib/deps.ts');
const { upsertConnection } = await import('../lib/connections/repo.ts');
const dataDir = mkdtempSync(join(tmpdir(), 'aurora-bench-'));
const rt = await startLocalRuntime({ port: 0, dataDir, inMemory: true, env: { LOG_LEVEL: 'silent', VALIDATE_RESPONSES: 'false' } });
const list_latency: Array<{ connections: number; p50_ms: number; p99_ms: number }> = [];
for (const n of [1, 100, 1000]) {
  const user = `bench-${n}`;
  for (let i = 0; i < n; i += 25) {
    await Promise.all(
      Array.from({ length: Math.min(25, n - i) }, (_, j) =>
        upsertConnection(deps().db, { userId: user, provider: 'aws', accountId: String(100000000000 + i + j), accountName: `Account ${i + j}`, status: 'connected', metadata: { role_arn: `arn:aws:iam::${100000000000 + i + j}:role/AuroraRole` } }),
      ),
    );
  }
  const samples: number[] = [];
  const iterations = n >= 1000 ? 30 : 100;
  for (let i = 0; i < iterations + 5; i++) {
    const t = performance.now();
    const res = await fetch(`${rt.url}/api/user_connections`, { headers: { 'x-user-id': user } });
    const body = (await res.json()) as unknown[];
    if (body.length !== n) throw new Error(`expected ${n} connections, got ${body.length}`);
    if (i >= 5) samples.push(performance.now() - t);
  }
  list_latency.push({ connections: n, p50_ms: round(median(samples)), p99_ms: round(pct(samples, 99)) });
}
await rt.close();
rmSync(dataDir, { recursive: true, force: true });

const extra: Record<string, unknown> = {};
const wf = await optional<{ benchWorkflow: () => Promise<unknown> }>('scripts/bench-workflow.ts');
if (wf) extra.workflow = await wf.benchWorkflow();
const web = await optional<{ benchConsole: () => Promise<Record<string, number>> }>('scripts/bench-console.ts');
if (web) Object.assign(extra, await web.benchConsole());

const result = { functions, floor_import_ms, list_latency, ...extra };
if (values.json) {
  process.stdout.write(JSON.stringify(result) + '\n');
} else {
  const w = Math.max(...functions.map((f) => f.name.length));
  console.log(`${'function'.padEnd(w)}  bundle KB  import ms  (floor ${floor_import_ms} ms)`);
  for (const f of functions) console.log(`${f.name.padEnd(w)}  ${(f.bundle_bytes / 1024).toFixed(1).padStart(9)}  ${f.import_ms.toFixed(1).padStart(9)}`);
  console.log('\nGET /api/user_connections latency');
  for (const l of list_latency) console.log(`  ${String(l.connections).padStart(5)} connections: p50 ${l.p50_ms} ms, p99 ${l.p99_ms} ms`);
  if (extra.workflow) console.log('\nGCP setup workflow', JSON.stringify(extra.workflow, null, 2));
  if (extra.console_bytes_gz !== undefined) console.log(`\nconsole (web/dist, gzip): first load ${extra.console_bytes_gz} B JS+CSS, all chunks ${extra.console_bytes_gz_all} B`);
}
process.exit(0);
