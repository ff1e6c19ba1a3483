import type { Deps } from '../../deps.ts';

/** What an execution starts with: ids only. */
export interface SetupInput {
  user_id: string;
  task_id: string;
  account_id: string;
  selected_project_ids: string[];
}

/**
 * Starts the setup state machine. Deployed: Step Functions StartExecution on the configured state
 * machine (execution name = task id, so a repeated start cannot run twice). Locally (no ARN): the
 * same definition in-process, in the background.
 */
export interface WorkflowStarter {
  readonly kind: 'step-functions' | 'local';
  start(input: SetupInput): Promise<void>;
}

class StepFunctionsStarter implements WorkflowStarter {
  readonly kind = 'step-functions';
  readonly #arn: string;
  readonly #region: string;
  #client?: Promise<{ send(cmd: unknown): Promise<unknown>; Cmd: new (input: unknown) => unknown }>;
  constructor(arn: string, region: string) {
    this.#arn = arn;
    this.#region = region;
  }
  async start(input: SetupInput): Promise<void> {
    this.#client ??= import('./sfn-client.ts').then((m) => {
      const c = new m.SFNClient({ region: this.#region, maxAttempts: 4 });
      return { send: (cmd: unknown) => c.send(cmd as InstanceType<typeof m.StartExecutionCommand>), Cmd: m.StartExecutionCommand as unknown as new (input: unknown) => unknown };
    });
    const c = await this.#client;
    await c.send(new c.Cmd({ stateMachineArn: this.#arn, name: input.task_id, input: JSON.stringify(input) }));
  }
}

/** What the local runner (lib/gcp-setup/local-runner.ts) is given besides the input. */
export interface LocalRunSettings {
  region: string;
  waitMs?: number;
  retryMs?: number;
}

class LocalStarter implements WorkflowStarter {
  readonly kind = 'local';
  readonly #settings: LocalRunSettings;
  constructor(settings: LocalRunSettings) {
    this.#settings = settings;
  }
  async start(input: SetupInput): Promise<void> {
    // Not a literal import: deployed bundles must not carry the local runner and its dependencies
    // (this branch only runs where no state machine ARN is configured).
    const runner = new URL('../../gcp-setup/local-runner.ts', import.meta.url).href;
    const { startLocalExecution } = (await import(runner)) as { startLocalExecution(input: SetupInput, settings: LocalRunSettings): unknown };
    startLocalExecution(input, this.#settings);
  }
}

const starters = new WeakMap<Deps, WorkflowStarter>();

export function workflowStarter(d: Deps): WorkflowStarter {
  let s = starters.get(d);
  if (!s) {
    const arn = d.config.gcp.stateMachineArn;
    s = arn ? new StepFunctionsStarter(arn, d.config.core.region) : new LocalStarter({ region: d.config.core.region, waitMs: d.config.gcp.localWaitMs, retryMs: d.config.gcp.localRetryMs });
    starters.set(d, s);
  }
  return s;
}
