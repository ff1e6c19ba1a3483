/**
 * A simulated provider as the local runtime starts it (lib/local/simulators.ts): its servers bind
 * to 127.0.0.1 on ephemeral ports and `env` holds the settings that point the service at them.
 */
export interface RunningSimulator {
  name: string;
  env: Record<string, string>;
  close(): Promise<void>;
}

export type SimulatorStarter = (opts: { latencyMs?: number }) => Promise<RunningSimulator>;
