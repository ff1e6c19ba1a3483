/**
 * The GCP setup workflow's wall time against the simulated Google: every API call answers after
 * 100 ms, every API-enable operation takes 2 s, IAM propagates at once. Runs the real flow over
 * HTTP (login → consent → callback → poll) for 1 and for 5 projects and counts the Google calls.
 * `npm run bench` calls benchWorkflow(); `node scripts/bench-workflow.ts` prints it alone.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export interface WorkflowBenchRun {
  projects: number;
  /** callback answered → status SUCCESS (polled every 25 ms) */
  setup_ms: number;
  /** every call to a Google API (OAuth token/consent/userinfo excluded) */
  google_api_calls: number;
  batch_enable_calls: number;
  operation_polls: number;
  calls_by_method: Record<string, number>;
}

export interface WorkflowBench {
  api_latency_ms: number;
  enable_operation_ms: number;
  runs: WorkflowBenchRun[];
  /** setup time of 5 projects / setup time of 1 (target ≤ 1.5: projects run in parallel) */
  ratio_5_to_1: number;
  /** batchEnable calls per project (target ≤ 2 for the 26 APIs) */
  batch_calls_per_project: number;
}

const LATENCY_MS = 100;
const OPERATION_MS = 2000;

export async function benchWorkflow(): Promise<WorkflowBench> {
  const { setLogLevel } = await import('../lib/log.ts');
  const { startLocalRuntime } = await import('../lib/local/runtime.ts');
  const { isGoogleSimulator, simProjects } = await import('../lib/connectors/gcp/simulator.ts');
  const { startGcpLogin, consent, callback, pollSetup } = await import('../lib/connectors/gcp/simulator-flow.ts');
  setLogLevel('silent');
  const dataDir = mkdtempSync(join(tmpdir(), 'aurora-bench-wf-'));
  const rt = await startLocalRuntime({ port: 0, dataDir, inMemory: true, simulate: true, env: { LOG_LEVEL: 'silent', VALIDATE_RESPONSES: 'false' } });
  const sim = rt.simulators.find(isGoogleSimulator)!;
  const runs: WorkflowBenchRun[] = [];
  try {
    for (const n of [1, 5]) {
      sim.reset({ projects: simProjects(n), latencyMs: LATENCY_MS, operationDelayMs: OPERATION_MS, propagationMs: 0 });
      const user = `bench-wf-${n}`;
      const back = await consent(await startGcpLogin(rt.url, user));
      const cb = await callback(rt.url, back);
      const taskId = new URL(cb.location ?? 'http://x/').searchParams.get('task_id');
      if (!taskId) throw new Error(`callback did not start the setup: ${cb.status} ${cb.location}`);
      // Count from here: the setup's own calls, not the login's.
      const before = sim.counts();
      const started = performance.now();
      const statuses = await pollSetup(rt.url, user, taskId, { intervalMs: 25, timeoutMs: 180_000 });
      const setupMs = performance.now() - started;
      const final = statuses[statuses.length - 1];
      if (final.state !== 'SUCCESS') throw new Error(`setup for ${n} project(s) ended ${final.state}: ${final.status}`);
      const after = sim.counts();
      const delta: Record<string, number> = {};
      for (const [k, v] of Object.entries(after)) if (!['total', 'api'].includes(k) && !k.startsWith('oauth.') && k !== 'userinfo') delta[k] = v - (before[k] ?? 0);
      runs.push({
        projects: n,
        setup_ms: Math.round(setupMs),
        google_api_calls: after.api - (before.api ?? 0),
        batch_enable_calls: delta['serviceusage.services.batchEnable'] ?? 0,
        operation_polls: delta['serviceusage.operations.get'] ?? 0,
        calls_by_method: Object.fromEntries(Object.entries(delta).filter(([, v]) => v > 0)),
      });
    }
  } finally {
    await rt.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  const one = runs.find((r) => r.projects === 1)!;
  const five = runs.find((r) => r.projects === 5)!;
  return {
    api_latency_ms: LATENCY_MS,
    enable_operation_ms: OPERATION_MS,
    runs,
    ratio_5_to_1: Math.round((five.setup_ms / one.setup_ms) * 100) / 100,
    batch_calls_per_project: Math.max(...runs.map((r) => r.batch_enable_calls / r.projects)),
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(JSON.stringify(await benchWorkflow(), null, 2));
  process.exit(0);
}
