/**
 * Simulated clouds for `npm start -- --simulate` and the tests. Each provider area registers a
 * starter here; a starter binds its servers to 127.0.0.1 on ephemeral ports and returns the
 * settings (env) that point the service at them.
 */
export interface RunningSimulator {
  name: string;
  env: Record<string, string>;
  close(): Promise<void>;
}

export interface SimulatorOptions {
  latencyMs?: number;
  /** where each simulator keeps what it issued across restarts (lib/local/sim-kit.ts simStateFile); none: memory only */
  stateDir?: string;
}

export type SimulatorStarter = (opts: SimulatorOptions) => Promise<RunningSimulator>;

const starters: Array<() => Promise<SimulatorStarter>> = [
  async () => (await import('../connectors/aws/simulator.ts')).startAwsSimulator,
  async () => (await import('../connectors/azure/simulator.ts')).startAzureSimulator,
  async () => (await import('../connectors/gcp/simulator.ts')).startGoogleSimulator,
  async () => (await import('../connectors/scaleway/simulator.ts')).startScalewaySimulator,
  async () => (await import('../connectors/tailscale/simulator.ts')).startTailscaleSimulator,
  async () => (await import('../connectors/ovh/simulator.ts')).startOvhSimulator,
];

export async function startSimulators(opts: SimulatorOptions = {}): Promise<RunningSimulator[]> {
  const running: RunningSimulator[] = [];
  for (const load of starters) running.push(await (await load())(opts));
  return running;
}
