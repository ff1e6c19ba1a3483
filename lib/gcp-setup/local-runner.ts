import { StateMachine, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { log, withLogContext } from '../log.ts';
import { allStates, setupDefinition, taskSteps, withResources } from './definition.ts';
import { workflowSteps } from './steps-index.ts';
import type { LocalRunSettings, SetupInput } from '../connectors/gcp/setup-starter.ts';

type StepHandler = (input: unknown) => Promise<unknown>;

/**
 * The local stand-in for Step Functions: aws-local-stepfunctions runs the very definition we
 * deploy, every Task mapped to the same step handler module its Lambda runs. Wait states and
 * Retry intervals can be shortened by settings (tests). Each execution's event log (state inputs
 * and outputs) is kept in memory so tests can check what flowed between the states.
 */
export interface LocalExecution {
  taskId: string;
  startedAt: number;
  status: 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED';
  events: unknown[];
  output?: unknown;
  done: Promise<void>;
  abort(): void;
}

const executions = new Map<string, LocalExecution>();
const MAX_KEPT = 200;
let handlers: Promise<Record<string, StepHandler>> | undefined;

async function loadHandlers(): Promise<Record<string, StepHandler>> {
  const byStep: Record<string, StepHandler> = {};
  for (const s of workflowSteps) {
    const mod = (await import(new URL(`../../${s.handler}`, import.meta.url).href)) as { handler: StepHandler };
    byStep[s.name] = mod.handler;
  }
  return byStep;
}

export function startLocalExecution(input: SetupInput, settings: LocalRunSettings): LocalExecution {
  const def = setupDefinition();
  const tasks = taskSteps(def);
  // Stand-in ARNs: the runner validates them, but every Task runs in-process.
  const machine = new StateMachine(withResources(def, (step) => `arn:aws:lambda:${settings.region}:000000000000:function:gcp-setup-${step}`) as unknown as StateMachineDefinition);
  const waitTimeOverrides: Record<string, number> = {};
  const retryIntervalOverrides: Record<string, number> = {};
  for (const [name, s] of allStates(def)) {
    if (s.Type === 'Wait' && settings.waitMs !== undefined) waitTimeOverrides[name] = settings.waitMs;
    if (s.Retry && settings.retryMs !== undefined) retryIntervalOverrides[name] = settings.retryMs;
  }
  const loaded = (handlers ??= loadHandlers());
  const taskResourceLocalHandlers: Record<string, (i: unknown) => Promise<never>> = {};
  for (const [stateName, step] of tasks) {
    taskResourceLocalHandlers[stateName] = async (i) => {
      const h = (await loaded)[step];
      if (!h) throw new Error(`no handler for step ${step}`);
      return (await h(i)) as never;
    };
  }
  // Detached from the request that started it, as an execution is: no request id or route of the callback.
  const run = withLogContext({ requestId: undefined, route: undefined, workflow: 'gcp-setup' }, () =>
    machine.run(input as never, { overrides: { taskResourceLocalHandlers, waitTimeOverrides, retryIntervalOverrides }, noThrowOnAbort: true }),
  );
  const exec: LocalExecution = { taskId: input.task_id, startedAt: Date.now(), status: 'RUNNING', events: [], done: Promise.resolve(), abort: run.abort };
  const collect = (async () => {
    for await (const ev of run.eventLogs) exec.events.push(ev);
  })().catch(() => undefined);
  exec.done = run.result.then(
    async (out) => {
      exec.output = out;
      exec.status = out === null ? 'ABORTED' : 'SUCCEEDED';
      await collect;
    },
    async (e: unknown) => {
      exec.status = 'FAILED';
      await collect;
      // The Fail state after RecordFailure ends here too; the task record already says why.
      log.info('local gcp setup execution failed', { taskId: input.task_id, error: (e as Error)?.message });
    },
  );
  executions.set(input.task_id, exec);
  if (executions.size > MAX_KEPT) executions.delete(executions.keys().next().value!);
  return exec;
}

export function localExecution(taskId: string): LocalExecution | undefined {
  return executions.get(taskId);
}

export function localExecutions(): LocalExecution[] {
  return [...executions.values()];
}

/** Stop every running execution (test teardown, runtime shutdown). */
export async function abortLocalExecutions(): Promise<void> {
  const running = [...executions.values()].filter((e) => e.status === 'RUNNING');
  for (const e of running) e.abort();
  await Promise.all(running.map((e) => e.done));
}
