import { ScanCommand } from '../../lib/db/dynamodb.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deps } from '../../lib/deps.ts';
import { SecretStoreError } from '../../lib/secrets/port.ts';
import { SCALEWAY_FIXTURES, type ScalewaySimulator } from '../../lib/connectors/scaleway/simulator.ts';
import { TAILSCALE_FIXTURES, type TailscaleSimulator } from '../../lib/connectors/tailscale/simulator.ts';
import { AZURE_SIM, type AzureSimulator } from '../../lib/connectors/azure/simulator.ts';
import { startTestRuntime, type TestRuntime } from '../helpers/runtime.ts';

/**
 * Connect, reconnect and disconnect under injected faults — providers answering 5xx or timing out,
 * the secret store failing mid-connect, the table failing right after a secret write — then check
 * the invariant: every secretRef in the table resolves to a stored secret, and every stored secret
 * is referenced by an item. Faults are injected at the boundaries (simulators, the store port, the
 * DynamoDB client), never inside our services.
 */
let rt: TestRuntime;
const sim = <T>(name: string) => rt.runtime.simulators.find((s) => s.name === name) as T;
let storeFault: 'put' | 'delete' | null = null;
let tableFault = false;

beforeAll(async () => {
  rt = await startTestRuntime({ simulate: true, env: { SCALEWAY_HTTP_ATTEMPTS: '1', TAILSCALE_HTTP_ATTEMPTS: '1', TAILSCALE_HTTP_TIMEOUT_MS: '300', SCALEWAY_HTTP_TIMEOUT_MS: '300', AZURE_HTTP_MAX_RETRIES: '0', AZURE_HTTP_TIMEOUT_MS: '300' } });
  const store = deps().secrets;
  const put = store.put.bind(store);
  const del = store.delete.bind(store);
  store.put = async (p, v) => {
    if (storeFault === 'put') throw new SecretStoreError('injected: store unavailable');
    return put(p, v);
  };
  store.delete = async (r) => {
    if (storeFault === 'delete') throw new SecretStoreError('injected: store unavailable');
    return del(r);
  };
  const doc = deps().db.doc;
  const send = doc.send.bind(doc);
  doc.send = (async (cmd: { constructor: { name: string } }) => {
    if (tableFault && cmd.constructor.name === 'UpdateCommand') throw Object.assign(new Error('injected: table unavailable'), { name: 'InternalServerError', $fault: 'server' });
    return send(cmd as never);
  }) as typeof doc.send;
});
afterAll(async () => rt.close());

async function tableRefs(): Promise<Set<string>> {
  const refs = new Set<string>();
  let start: Record<string, unknown> | undefined;
  do {
    const r = await deps().db.doc.send(new ScanCommand({ TableName: deps().db.table, ExclusiveStartKey: start }));
    for (const item of r.Items ?? []) if (typeof item.secretRef === 'string') refs.add(item.secretRef);
    start = r.LastEvaluatedKey;
  } while (start);
  return refs;
}

const connects = {
  scaleway: (user: string) => rt.request('POST', '/scaleway_api/scaleway/connect', { user, body: { access_key: SCALEWAY_FIXTURES.validKey.accessKey, secret_key: SCALEWAY_FIXTURES.validKey.secretKey } }),
  tailscale: (user: string) => rt.request('POST', '/tailscale_api/tailscale/connect', { user, body: { client_id: TAILSCALE_FIXTURES.client.clientId, client_secret: TAILSCALE_FIXTURES.client.clientSecret } }),
  azure: (user: string) => rt.request('POST', '/azure/login', { user, body: { tenant_id: AZURE_SIM.tenantId, client_id: AZURE_SIM.clientId, client_secret: AZURE_SIM.clientSecret } }),
  ssh: (user: string) => rt.request('GET', '/tailscale_api/tailscale/ssh-setup', { user }),
};
const disconnects = ['scaleway', 'tailscale', 'azure'];

type Fault = 'none' | 'provider-5xx' | 'provider-timeout' | 'store-put' | 'store-delete' | 'table';
const FAULTS: Fault[] = ['none', 'provider-5xx', 'provider-timeout', 'store-put', 'store-delete', 'table'];

function inject(f: Fault): void {
  const scw = sim<ScalewaySimulator>('scaleway');
  const ts = sim<TailscaleSimulator>('tailscale');
  const az = sim<AzureSimulator>('azure');
  if (f === 'provider-5xx') {
    scw.fail({ status: 503, times: 1 });
    ts.fail({ status: 502, times: 1 });
    az.control.fault = { target: 'arm', status: 503, remaining: 1 };
  }
  if (f === 'provider-timeout') {
    scw.fail({ delayMs: 1500, times: 1 });
    ts.fail({ delayMs: 1500, times: 1 });
    az.control.fault = { target: 'arm', timeout: true, remaining: 1 };
  }
  storeFault = f === 'store-put' ? 'put' : f === 'store-delete' ? 'delete' : null;
  tableFault = f === 'table';
}

function clear(): void {
  sim<ScalewaySimulator>('scaleway').reset();
  sim<TailscaleSimulator>('tailscale').reset();
  sim<AzureSimulator>('azure').control.fault = null;
  storeFault = null;
  tableFault = false;
}

describe('consistency after fault injection', () => {
  it('every secretRef resolves and every stored secret is referenced, whatever failed', async () => {
    const statuses: Record<string, number> = {};
    let operations = 0;
    // a fixed, varied schedule: each operation under each fault, for a few users
    for (let round = 0; round < 3; round++) {
      for (const fault of FAULTS) {
        const user = `cons-${round}-${fault}`;
        for (const [name, op] of Object.entries(connects)) {
          inject(fault);
          const r = await op(user);
          clear();
          operations++;
          statuses[`${r.status}`] = (statuses[`${r.status}`] ?? 0) + 1;
          expect(r.status, `${name} under ${fault}: ${r.text}`).not.toBe(500);
          if (r.status >= 400) expect(typeof r.body.error.code).toBe('string');
        }
        for (const p of disconnects) {
          inject(fault);
          const r = await rt.request('DELETE', `/api/auth/${p}/disconnect`, { user });
          clear();
          operations++;
          statuses[`${r.status}`] = (statuses[`${r.status}`] ?? 0) + 1;
          expect(r.status, `${p} disconnect under ${fault}: ${r.text}`).not.toBe(500);
        }
        // every other round, connect again without faults so some state survives to the end
        if (round % 2 === 0) for (const op of Object.values(connects)) await op(user);
      }
    }
    const refs = await tableRefs();
    const stored = new Set((await deps().secrets.list?.()) ?? []);
    const dangling = [...refs].filter((r) => !stored.has(r));
    const orphans = [...stored].filter((s) => !refs.has(s));
    console.log(`consistency: ${operations} operations under ${FAULTS.length - 1} fault kinds (statuses ${JSON.stringify(statuses)}), ${refs.size} refs, ${stored.size} stored secrets`);
    expect(dangling).toEqual([]);
    expect(orphans).toEqual([]);
    expect(refs.size).toBeGreaterThan(5);
    expect(Object.keys(statuses).some((s) => Number(s) >= 400)).toBe(true);
  });
});
