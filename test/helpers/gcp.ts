import { afterAll, beforeAll, beforeEach, expect } from 'vitest';
import { ScanCommand } from '../../lib/db/dynamodb.ts';
import { deps } from '../../lib/deps.ts';
import { setRetryDelayScale } from '../../lib/provider-http.ts';
import { isGoogleSimulator, type GoogleSimulator } from '../../lib/connectors/gcp/simulator.ts';
import { abortLocalExecutions, localExecutions } from '../../lib/gcp-setup/local-runner.ts';
import { findLeaks, startTestRuntime, type TestRuntime } from './runtime.ts';

export const tableItems = async (): Promise<Record<string, unknown>[]> => (await deps().db.doc.send(new ScanCommand({ TableName: deps().db.table }))).Items ?? [];

/**
 * The GCP suites' shared setup: the runtime against the simulated Google with workflow waits and
 * retry delays scaled down, the simulator's fixture reset before each test, and afterwards the
 * check that no Google token reached a response, log line, table item or workflow event.
 * The fields are filled in by the beforeAll this registers.
 */
export function useGcpRuntime(env: Record<string, string> = {}): { rt: TestRuntime; sim: GoogleSimulator } {
  const t = {} as { rt: TestRuntime; sim: GoogleSimulator };
  beforeAll(async () => {
    setRetryDelayScale(0.01);
    t.rt = await startTestRuntime({ simulate: true, env: { GCP_LOCAL_WAIT_MS: '5', GCP_LOCAL_RETRY_MS: '5', GCP_ENABLE_POLL_INTERVAL_MS: '10', ...env } });
    t.sim = t.rt.runtime.simulators.find(isGoogleSimulator)!;
  });
  beforeEach(() => t.sim.reset());
  afterAll(async () => {
    await abortLocalExecutions();
    const events = localExecutions().map((e) => JSON.stringify(e.events));
    expect(findLeaks([...t.rt.responses, ...t.rt.logs, JSON.stringify(await tableItems()), ...events], t.sim.issuedSecrets())).toEqual([]);
    setRetryDelayScale(1);
    await t.rt.close();
  });
  return t;
}
