/**
 * npm run bench [-- --json] [--only <name part>] [--functions-only] [--load-requests 40000] [--cold-runs 3] [--import-runs 5]
 * `--functions-only` stops after the per-function figures and the floor (sizes, imports, cold
 * requests): the latency, cloud_tool, MCP call, workflow, console and load parts take minutes.
 * Bundle size, cold import time and cold first request per function (built exactly as deployed,
 * against the like-for-like floor of scripts/bench-cold.ts), request latency through the local
 * gateway, the GCP setup against its critical path, and the local server under load
 * (scripts/bench-load.ts). Numbers for issue notes, never pass/fail. Say what the machine was
 * doing beside them: `load_average` is os.loadavg() at the start and at the end.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { routes } from '../lib/http/routes.ts';
import { setLogLevel } from '../lib/log.ts';

import { FLOOR_SOURCE, OLD_FLOOR_SOURCE, bundleFunction, coldRequest, functionEntries, writeRunner } from './bench-cold.ts';
import { benchLoad } from './bench-load.ts';

// the environment as it was given: the runtimes this script starts write their settings into
// process.env, and the load part's server must not inherit them (scripts/bench-load.ts, `env`)
const givenEnv = { ...process.env };

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    only: { type: 'string' },
    'functions-only': { type: 'boolean', default: false },
    'load-requests': { type: 'string', default: '40000' },
    'cold-runs': { type: 'string', default: '3' },
    // fresh processes per function import (the floor keeps 5 per sampling)
    'import-runs': { type: 'string', default: '5' },
  },
});
const loadRequests = Number(values['load-requests']);
const coldRuns = Number(values['cold-runs']);
if (!(loadRequests > 0) || !(coldRuns > 0) || !(Number(values['import-runs']) > 0)) throw new Error('--load-requests, --cold-runs and --import-runs take a positive number');
const loadAtStart = loadavg().map(round2);
function round2(n: number) {
  return Math.round(n * 100) / 100;
}
const outDir = resolve('.bench');
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((xs.length * p) / 100))];
const round = (n: number) => Math.round(n * 100) / 100;

const bundle = (name: string, entry: string) => bundleFunction(outDir, name, entry);

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
const importMs = (file: string) => round(median(importSamples(file, Number(values['import-runs']))));

// The floor: what any function that talks to DynamoDB must load anyway, bundled and loaded as the
// functions are (scripts/bench-cold.ts). Sampled before, between and after the functions (5 each,
// median of all) so a drift in machine load does not skew the ratios.
const floorEntry = join(outDir, 'floor-entry.ts');
writeFileSync(floorEntry, FLOOR_SOURCE);
const floorBundle = await bundle('floor', floorEntry);
const floorFile = floorBundle.file;
const floorSamples = importSamples(floorFile);
const oldFloorEntry = join(outDir, 'floor-bundled-sdk-entry.ts');
writeFileSync(oldFloorEntry, OLD_FLOOR_SOURCE);
const oldFloorFile = (await bundle('floor-bundled-sdk', oldFloorEntry)).file;
const oldFloorSamples = importSamples(oldFloorFile);

interface FunctionBench {
  name: string;
  /** bytes a cold start loads (the entry and its static chunks) */
  bundle_bytes: number;
  /** bytes of every output file, the chunks behind import() included */
  bundle_bytes_all: number;
  import_ms: number;
  /** import_ms / floor_import_ms */
  ratio?: number;
  /** median of the floor's imports taken alternately with this function's (one before each of its own) */
  paired_floor_ms: number;
  /** import_ms / paired_floor_ms: the same machine state on both sides, so drifts in load cancel */
  ratio_paired: number;
  cold_request_ms?: number;
  /** what the cold request answered (its status code, or how the step failed) */
  cold_request_outcome?: string;
}
const functions: FunctionBench[] = [];
const files = new Map<string, { file: string; event: unknown }>();
const seen = new Set<string>();
const entries = await functionEntries();
// Optional parts, present once their areas exist: the workflow bench and the console's.
const optional = async <T>(path: string): Promise<T | null> => (existsSync(resolve(path)) ? ((await import(pathToFileURL(resolve(path)).href)) as T) : null);
for (const e of entries) {
  if (seen.has(e.handler) || (values.only && !e.name.includes(values.only))) continue;
  seen.add(e.handler);
  const { file, bytes, bytes_all } = await bundle(e.name, e.handler);
  // the floor and the function alternately, so each function's ratio compares imports made under
  // the same load (a shared machine's load drifts over the minutes the loop takes)
  const own: number[] = [];
  const paired: number[] = [];
  for (let i = 0; i < Number(values['import-runs']); i++) {
    paired.push(...importSamples(floorFile, 1));
    own.push(...importSamples(file, 1));
  }
  floorSamples.push(...paired);
  const import_ms = round(median(own));
  const paired_floor_ms = round(median(paired));
  functions.push({ name: e.name, bundle_bytes: bytes, bundle_bytes_all: bytes_all, import_ms, paired_floor_ms, ratio_paired: round(import_ms / paired_floor_ms) });
  files.set(e.name, { file, event: e.event });
  if (functions.length === Math.ceil(entries.length / 2)) {
    floorSamples.push(...importSamples(floorFile));
    oldFloorSamples.push(...importSamples(oldFloorFile));
  }
}
floorSamples.push(...importSamples(floorFile));
oldFloorSamples.push(...importSamples(oldFloorFile));
const floor_import_ms = round(median(floorSamples));
const floor_bundled_sdk_ms = round(median(oldFloorSamples));
for (const f of functions) f.ratio = round(f.import_ms / floor_import_ms);

// Request latency through the local gateway.
setLogLevel('silent');
const { startLocalRuntime } = await import('../lib/local/runtime.ts');
const { deps } = await import('../lib/deps.ts');
const { upsertConnection } = await import('../lib/connections/repo.ts');
const dataDir = mkdtempSync(join(tmpdir(), 'aurora-bench-'));
const rt = await startLocalRuntime({ port: 0, dataDir, inMemory: true, env: { LOG_LEVEL: 'silent', VALIDATE_RESPONSES: 'false' } });

// Cold first requests, against this runtime's table (its settings are in process.env now), by a
// user with no connections, so no function calls out of this machine. The floor is sampled
// before, between and after, like its import.
const runner = writeRunner(outDir);
const coldEnv = { ...process.env, LOG_LEVEL: 'silent' };
const eventFile = (name: string, event: unknown) => {
  const f = join(outDir, `${name}.event.json`);
  writeFileSync(f, JSON.stringify(event));
  return f;
};
const floorEvent = eventFile('floor', {});
const floorCold: number[] = [];
const sampleFloorCold = async () => {
  for (let i = 0; i < coldRuns; i++) floorCold.push((await coldRequest(runner, floorFile, floorEvent, coldEnv)).ms);
};
await sampleFloorCold();
for (const [i, f] of functions.entries()) {
  const { file, event } = files.get(f.name)!;
  const ev = eventFile(f.name, event);
  const samples = [];
  for (let r = 0; r < coldRuns; r++) samples.push(await coldRequest(runner, file, ev, coldEnv));
  f.cold_request_ms = round(median(samples.map((s) => s.ms)));
  f.cold_request_outcome = samples[samples.length - 1].outcome;
  if (i === Math.floor(functions.length / 2)) await sampleFloorCold();
}
await sampleFloorCold();
const floor_cold_request_ms = round(median(floorCold));
if (values['functions-only']) {
  await rt.close();
  rmSync(dataDir, { recursive: true, force: true });
  const partial = { functions, floor_bundle_bytes: floorBundle.bytes, floor_import_ms, floor_bundled_sdk_ms, floor_cold_request_ms, floor_samples_ms: floorSamples.map(round), load_average: { start: loadAtStart, end: loadavg().map(round2), cpus: availableParallelism() } };
  if (values.json) process.stdout.write(JSON.stringify(partial) + '\n');
  else {
    const w = Math.max(...functions.map((f) => f.name.length));
    console.log(`${'function'.padEnd(w)}  bundle KB  all KB  import ms  ratio  cold request ms  (floor: import ${floor_import_ms} ms, cold request ${floor_cold_request_ms} ms)`);
    for (const f of functions) console.log(`${f.name.padEnd(w)}  ${(f.bundle_bytes / 1024).toFixed(1).padStart(9)}  ${(f.bundle_bytes_all / 1024).toFixed(1).padStart(6)}  ${f.import_ms.toFixed(1).padStart(9)}  ${f.ratio!.toFixed(2).padStart(5)}  ${f.cold_request_ms!.toFixed(1).padStart(15)}  ${f.cold_request_outcome}`);
    console.log(`load average (1, 5, 15 min) at start ${loadAtStart.join(' ')}, at end ${partial.load_average.end.join(' ')}, on ${partial.load_average.cpus} CPUs`);
  }
  process.exit(0);
}

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

// cloud_tool: what a run costs besides the CLI itself (request → policy → credentials → executor →
// sandbox → response), with a CLI that exits at once. Issue 14's target: at most 50 ms p50.
const cloud_tool = await benchCloudTool();

// The MCP function (POST /mcp, issue 15): its bundle and cold import against the floor, and a
// tools/call round trip (stateless: a fresh server and transport per request, as on a fresh Lambda).
const mcp = await benchMcp();

const extra: Record<string, unknown> = {};
const wf = await optional<{ benchWorkflow: () => Promise<unknown> }>('scripts/bench-workflow.ts');
if (wf) extra.workflow = await wf.benchWorkflow();
const web = await optional<{ benchConsole: () => Promise<Record<string, number>> }>('scripts/bench-console.ts');
if (web) Object.assign(extra, await web.benchConsole());

// Last, so the memory it leaves behind in this process cannot touch the other figures (the server
// under load is a process of its own).
const load = await benchLoad({ requests: loadRequests, env: givenEnv });

const result = { functions, floor_bundle_bytes: floorBundle.bytes, floor_import_ms, floor_bundled_sdk_ms, floor_cold_request_ms, list_latency, cloud_tool, mcp, ...extra, load, load_average: { start: loadAtStart, end: loadavg().map(round2), cpus: availableParallelism() } };
if (values.json) {
  process.stdout.write(JSON.stringify(result) + '\n');
} else {
  const w = Math.max(...functions.map((f) => f.name.length));
  console.log(`${'function'.padEnd(w)}  bundle KB  all KB  import ms  ratio  cold request ms  (floor: import ${floor_import_ms} ms, cold request ${floor_cold_request_ms} ms; SDK bundled: ${floor_bundled_sdk_ms} ms)`);
  for (const f of functions) console.log(`${f.name.padEnd(w)}  ${(f.bundle_bytes / 1024).toFixed(1).padStart(9)}  ${(f.bundle_bytes_all / 1024).toFixed(1).padStart(6)}  ${f.import_ms.toFixed(1).padStart(9)}  ${f.ratio!.toFixed(2).padStart(5)}  ${f.cold_request_ms!.toFixed(1).padStart(15)}  ${f.cold_request_outcome}`);
  console.log('\nGET /api/user_connections latency');
  for (const l of list_latency) console.log(`  ${String(l.connections).padStart(5)} connections: p50 ${l.p50_ms} ms, p99 ${l.p99_ms} ms`);
  console.log(`\ncloud_tool overhead (request to response minus the CLI's own run time, ${cloud_tool.isolation}): p50 ${cloud_tool.overhead_p50_ms} ms, p90 ${cloud_tool.overhead_p90_ms} ms`);
  if (mcp.bundle_bytes) console.log(`\nMCP function: bundle ${(mcp.bundle_bytes / 1024).toFixed(1)} KB, import ${mcp.import_ms} ms (${mcp.import_ratio}x the floor); tools/call list_connections p50 ${mcp.call_p50_ms} ms, p90 ${mcp.call_p90_ms} ms`);
  if (extra.workflow) console.log('\nGCP setup workflow', JSON.stringify(extra.workflow, null, 2));
  console.log(`\nlocal server under load (${load.clients} clients, ${load.requests} requests in ${load.seconds} s): p50 ${load.p50_ms} ms, p99 ${load.p99_ms} ms, ${load.errors_5xx} × 5xx, RSS ${load.rss_mb_5k} MB at ${load.rss_first_at} → ${load.rss_mb_40k} MB at ${load.requests}`);
  console.log(`load average (1, 5, 15 min) at start ${loadAtStart.join(' ')}, at end ${result.load_average.end.join(' ')}, on ${result.load_average.cpus} CPUs`);
  if (extra.console_bytes_gz !== undefined) console.log(`\nconsole (web/dist, gzip): first load ${extra.console_bytes_gz} B JS+CSS, all chunks ${extra.console_bytes_gz_all} B`);
}
process.exit(0);

async function benchMcp(): Promise<{ bundle_bytes: number; import_ms: number; import_ratio: number; call_p50_ms: number; call_p90_ms: number; runs: number }> {
  const route = routes.find((r) => r.id === 'mcp.endpoint')!;
  const fn = functions.find((f) => f.name === route.id) ?? (await (async () => {
    const { file, bytes } = await bundle(route.id, route.handler);
    return { name: route.id, bundle_bytes: bytes, import_ms: importMs(file) };
  })());
  const dir = mkdtempSync(join(tmpdir(), 'aurora-bench-'));
  const runtime = await startLocalRuntime({ port: 0, dataDir: dir, inMemory: true, env: { LOG_LEVEL: 'silent', VALIDATE_RESPONSES: 'false' } });
  const made = await fetch(`${runtime.url}/api/agent-tokens`, { method: 'POST', headers: { 'x-user-id': 'bench-mcp', 'content-type': 'application/json' }, body: JSON.stringify({ name: 'bench' }) });
  const { token } = (await made.json()) as { token: string };
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json, text/event-stream' };
  const samples: number[] = [];
  const runs = 60;
  for (let i = 0; i < runs + 5; i++) {
    const t = performance.now();
    const res = await fetch(`${runtime.url}/mcp`, { method: 'POST', headers, body: JSON.stringify({ jsonrpc: '2.0', id: i, method: 'tools/call', params: { name: 'list_connections', arguments: {} } }) });
    const body = (await res.json()) as { result?: { isError?: boolean } };
    if (res.status !== 200 || !body.result || body.result.isError) throw new Error(`bench: POST /mcp answered ${res.status} ${JSON.stringify(body)}`);
    if (i >= 5) samples.push(performance.now() - t);
  }
  await runtime.close();
  rmSync(dir, { recursive: true, force: true });
  return { bundle_bytes: fn.bundle_bytes, import_ms: fn.import_ms, import_ratio: round(fn.import_ms / floor_import_ms), call_p50_ms: round(median(samples)), call_p90_ms: round(pct(samples, 90)), runs };
}

async function benchCloudTool(): Promise<{ overhead_p50_ms: number; overhead_p90_ms: number; isolation: string; runs: number }> {
  const { SCALEWAY_FIXTURES } = await import('../lib/connectors/scaleway/simulator.ts');
  const bin = mkdtempSync(join(tmpdir(), 'aurora-bench-bin-'));
  // a CLI that does nothing: what remains of the time is ours
  writeFileSync(join(bin, 'scw'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
  const dir = mkdtempSync(join(tmpdir(), 'aurora-bench-'));
  const runtime = await startLocalRuntime({ port: 0, dataDir: dir, inMemory: true, simulate: true, env: { LOG_LEVEL: 'silent', VALIDATE_RESPONSES: 'false', CLOUD_TOOL_PATH: `${bin}:/usr/bin:/bin` } });
  const headers = { 'x-user-id': 'bench-tool', 'content-type': 'application/json' };
  const connect = await fetch(`${runtime.url}/scaleway_api/scaleway/connect`, { method: 'POST', headers, body: JSON.stringify({ access_key: SCALEWAY_FIXTURES.validKey.accessKey, secret_key: SCALEWAY_FIXTURES.validKey.secretKey }) });
  if (connect.status !== 200) throw new Error(`bench: scaleway connect answered ${connect.status}`);
  const overheads: number[] = [];
  const runs = 60;
  for (let i = 0; i < runs + 5; i++) {
    const t = performance.now();
    const res = await fetch(`${runtime.url}/api/cloud_tool`, { method: 'POST', headers, body: JSON.stringify({ provider: 'scaleway', command: 'scw instance server list' }) });
    const body = (await res.json()) as { return_code?: number; duration_ms?: number };
    const total = performance.now() - t;
    if (res.status !== 200 || body.return_code !== 0) throw new Error(`bench: cloud_tool answered ${res.status} ${JSON.stringify(body)}`);
    if (i >= 5) overheads.push(total - (body.duration_ms ?? 0));
  }
  const isolation = runtime.executor.isolation;
  await runtime.close();
  rmSync(dir, { recursive: true, force: true });
  rmSync(bin, { recursive: true, force: true });
  return { overhead_p50_ms: round(median(overheads)), overhead_p90_ms: round(pct(overheads, 90)), isolation, runs };
}
