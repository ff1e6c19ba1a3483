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
  /** the shortest this setup can take against this simulator (criticalPathMs) */
  critical_path_ms: number;
  /** setup_ms / critical_path_ms (issue 14's target: at most 1.2) */
  setup_to_critical_path: number;
  /** every call to a Google API (OAuth token/consent/userinfo excluded) */
  google_api_calls: number;
  batch_enable_calls: number;
  operation_polls: number;
  calls_by_method: Record<string, number>;
}

export interface WorkflowBench {
  /** of the 1-project run; each run has its own beside its setup_ms */
  critical_path_ms: number;
  setup_ms: number;
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

/**
 * What each Task of the state machine must wait for at the least, given what its calls depend
 * on: Google round trips one after another (calls that do not need each other's answers overlap,
 * so they count once) and the provider operations it must outlast. Our own work (the table, the
 * runner) is left out: this is the floor the provider sets, which is what the setup is compared to.
 */
const TASK_COST: Record<string, { rounds: number | ((s: { projects: number; pageSize: number }) => number); operation?: boolean; why: string }> = {
  ListProjects: { rounds: ({ projects, pageSize }) => Math.ceil(projects / pageSize) + 1, why: 'projects.search page after page (each needs the last one\'s token), then the last page\'s billing reads at once' },
  ChooseRootProject: { rounds: 1, why: 'testIamPermissions on the first project, which holds them' },
  // The operation is done OPERATION_MS after batchEnable was handled; the getOperation that first
  // sees it done can be sent LATENCY_MS before that and answers LATENCY_MS later: L + OP in all.
  StartEnable: { rounds: 1, operation: true, why: 'both batchEnable batches at once, then the operation, seen done by one getOperation' },
  PollEnable: { rounds: 1, why: 'getOperation (never on the shortest path: StartEnable sees the operation done)' },
  CreateServiceAccounts: { rounds: 4, why: 'serviceAccounts.get (404) → create → getIamPolicy → setIamPolicy, both accounts at once' },
  GrantProjectRoles: { rounds: 2, why: 'project getIamPolicy → setIamPolicy' },
  ConfigureOrgPolicy: { rounds: 2, why: 'org policy get → set (opt-in, off here)' },
  VerifyAccess: { rounds: 2, why: 'generateAccessToken → testIamPermissions as the account, both accounts at once; propagation is immediate here' },
  Finalize: { rounds: 0, why: 'table only' },
  RecordFailure: { rounds: 0, why: 'table only' },
};

/** Which way each Choice goes when the setup succeeds at the first try with nothing to select. */
const SUCCESS_CHOICE: Record<string, string> = {
  NeedsSelection: 'ChooseRootProject',
  EnableDone: 'ApisEnabled',
  OrgPolicyOptIn: 'VerifyPropagation',
  VerifyDone: 'VerifyResult',
};

type State = { Type: string; Next?: string; End?: boolean; Default?: string; Choices?: Array<{ Next: string }>; Resource?: string; MaxConcurrency?: number; ItemProcessor?: { StartAt: string; States: Record<string, State> }; Iterator?: { StartAt: string; States: Record<string, State> } };

/**
 * The setup's critical path: walks the ASL (lib/gcp-setup/state-machine.asl.json) along the
 * success path; states in sequence add up, a Map's items run MaxConcurrency at a time (identical
 * items, so in waves), a Task costs what TASK_COST says. A state or Choice it does not know
 * throws, so a changed state machine cannot silently keep an old figure.
 */
export function criticalPathMs(def: { StartAt: string; States: Record<string, State> }, sim: { projects: number; pageSize: number; latencyMs?: number; operationMs?: number }): number {
  const { projects, latencyMs = LATENCY_MS, operationMs = OPERATION_MS } = sim;
  const walk = (states: Record<string, State>, start: string): number => {
    let total = 0;
    let name: string | undefined = start;
    for (let guard = 0; name; guard++) {
      if (guard > 100) throw new Error(`critical path: a loop at ${name}`);
      const s: State = states[name];
      if (!s) throw new Error(`critical path: no state ${name}`);
      if (s.Type === 'Task') {
        const step = /\$\{Fn:(\w+)\}/.exec(s.Resource ?? '')?.[1] ?? name;
        const cost = TASK_COST[step];
        if (!cost) throw new Error(`critical path: no cost for the step ${step}`);
        total += (typeof cost.rounds === 'function' ? cost.rounds(sim) : cost.rounds) * latencyMs + (cost.operation ? operationMs : 0);
      } else if (s.Type === 'Map') {
        const inner = s.ItemProcessor ?? s.Iterator!;
        total += Math.ceil(projects / (s.MaxConcurrency || projects)) * walk(inner.States, inner.StartAt);
      } else if (s.Type === 'Choice') {
        const next: string | undefined = SUCCESS_CHOICE[name];
        const options = [...(s.Choices ?? []).map((c) => c.Next), s.Default];
        if (!next || !options.includes(next)) throw new Error(`critical path: the Choice ${name} has no known success branch`);
        name = next;
        continue;
      } else if (!['Pass', 'Succeed', 'Wait'].includes(s.Type)) {
        throw new Error(`critical path: ${name} is a ${s.Type}`);
      }
      // a Wait is off the success path here (nothing waits when the first answer is the last)
      if (s.Type === 'Wait') throw new Error(`critical path: the success path went through the Wait ${name}`);
      name = s.End || s.Type === 'Succeed' ? undefined : s.Next;
    }
    return total;
  };
  return walk(def.States, def.StartAt);
}

export async function benchWorkflow(): Promise<WorkflowBench> {
  const { setLogLevel } = await import('../lib/log.ts');
  const { startLocalRuntime } = await import('../lib/local/runtime.ts');
  const { isGoogleSimulator, simProjects, defaultGoogleFixture } = await import('../lib/connectors/gcp/simulator.ts');
  const { startGcpLogin, consent, callback, pollSetup } = await import('../lib/connectors/gcp/simulator-flow.ts');
  const { setupDefinition } = await import('../lib/gcp-setup/definition.ts');
  const def = setupDefinition() as unknown as Parameters<typeof criticalPathMs>[0];
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
      const critical = criticalPathMs(def, { projects: n, pageSize: defaultGoogleFixture().pageSize, latencyMs: LATENCY_MS, operationMs: OPERATION_MS });
      runs.push({
        projects: n,
        setup_ms: Math.round(setupMs),
        critical_path_ms: critical,
        setup_to_critical_path: Math.round((setupMs / critical) * 100) / 100,
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
    critical_path_ms: one.critical_path_ms,
    setup_ms: one.setup_ms,
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
