import { simulatorStarters } from '../connectors/generated/simulators.ts';
import type { RunningSimulator, SimulatorOptions } from './simulator-types.ts';

/**
 * Simulated clouds for `npm start -- --simulate` and the tests: each connector's simulator.ts
 * (listed from lib/connectors/index.ts by `npm run gen`). A starter binds its servers to 127.0.0.1
 * on ephemeral ports and returns the settings (env) that point the service at them; with a state
 * directory it keeps what it issued across restarts.
 */
export type { RunningSimulator, SimulatorOptions, SimulatorStarter } from './simulator-types.ts';

export async function startSimulators(opts: SimulatorOptions = {}): Promise<RunningSimulator[]> {
  const running: RunningSimulator[] = [];
  for (const load of simulatorStarters) running.push(await (await load())(opts));
  return running;
}
