/**
 * A simulated provider as the local runtime starts it (lib/local/simulators.ts): its servers bind
 * to 127.0.0.1 on ephemeral ports and `env` holds the settings that point the service at them.
 */
export interface RunningSimulator {
  name: string;
  env: Record<string, string>;
  /** a line for the person running `npm start -- --simulate` (what to paste where) */
  hint?: (ctx: { url: string }) => string;
  close(): Promise<void>;
}

export interface SimulatorOptions {
  latencyMs?: number;
  /** where each simulator keeps what it issued across restarts (lib/local/sim-kit.ts simStateFile); none: memory only */
  stateDir?: string;
  /** the runtime's data directory, for simulators that leave files to use (a kubeconfig) */
  dataDir?: string;
}

export type SimulatorStarter = (opts: SimulatorOptions) => Promise<RunningSimulator>;
