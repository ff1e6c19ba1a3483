import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deps } from '../../lib/deps.ts';
import { runOnCluster } from '../../lib/kubectl/service.ts';
import { startKubernetesSimulator, type KubernetesSimulator } from '../../lib/connectors/kubernetes/simulator.ts';
import { KubectlAgent } from '../../agent/src/agent.ts';
import { runKubectl, serverVersion } from '../../agent/src/kubectl.ts';
import { findLeaks, startTestRuntime, type TestRuntime } from '../helpers/runtime.ts';
import { createClusterToken, eventually, testClock, wsUrl } from '../helpers/kubectl.ts';

/**
 * The whole path with real parts: the agent program (`npm run kubectl-agent`, a child process),
 * the real kubectl binary, the simulated Kubernetes API, a real WebSocket to the local gateway and
 * real HTTP. Time moves by the injected clock and by explicit events (a killed socket, a revoke).
 */
const KUBECTL = process.env.KUBECTL_BIN ?? 'kubectl';
let rt: TestRuntime;
let sim: KubernetesSimulator;
let clock: ReturnType<typeof testClock>;
let dir: string;
let kubeconfig: string;
const tokens: string[] = [];

beforeAll(async () => {
  rt = await startTestRuntime({ env: { KUBECTL_COMMAND_TIMEOUT_MS: '20000' } });
  sim = (await startKubernetesSimulator({})) as KubernetesSimulator;
  dir = mkdtempSync(join(tmpdir(), 'aurora-k8s-e2e-'));
  kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, sim.kubeconfig(), { mode: 0o600 });
  clock = testClock();
});
afterAll(async () => {
  clock.restore();
  await sim.close();
  await rt.close();
  rmSync(dir, { recursive: true, force: true });
});

interface AgentProcess {
  child: ChildProcess;
  lines: string[];
  exit: Promise<number | null>;
  waitForLine(re: RegExp): Promise<string>;
}

function startAgentProcess(args: string[], env: Record<string, string> = {}): AgentProcess {
  const child = spawn(process.execPath, [resolve('agent/src/main.ts'), ...args], {
    env: { PATH: process.env.PATH!, HOME: join(dir, 'home'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const waiters: Array<() => void> = [];
  let buf = '';
  const onData = (c: Buffer) => {
    buf += c.toString();
    const parts = buf.split('\n');
    buf = parts.pop()!;
    lines.push(...parts.filter(Boolean));
    for (const w of waiters.splice(0)) w();
  };
  child.stdout!.on('data', onData);
  child.stderr!.on('data', onData);
  const exit = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return {
    child,
    lines,
    exit,
    async waitForLine(re) {
      for (;;) {
        const hit = lines.find((l) => re.test(l));
        if (hit) return hit;
        if (child.exitCode !== null) throw new Error(`agent exited (${child.exitCode}) before a line matching ${re}: ${lines.join('\n')}`);
        await new Promise<void>((r) => waiters.push(r));
      }
    },
  };
}

const clusterOf = async (user: string, id: string) => ((await rt.request('GET', '/api/kubectl/connections', { user })).body as Array<Record<string, any>>).find((c) => c.cluster_id === id);

describe('kubectl agent end to end (real agent process, real kubectl, simulated cluster)', () => {
  it('connects, runs reads, refuses writes itself, goes stale, comes back after a dropped socket, and stops for good when revoked', async () => {
    const user = 'e2e-k8s';
    const t = await createClusterToken(rt, user, { cluster_name: 'sim-cluster' });
    tokens.push(t.token);
    const agent = startAgentProcess(['--url', wsUrl(rt), '--token', t.token, '--kubeconfig', kubeconfig, '--kubectl', KUBECTL]);

    // connected, with the versions the agent reported (the cluster's from kubectl version)
    await agent.waitForLine(/"msg":"registered"/);
    const c = await clusterOf(user, t.cluster_id);
    expect(c).toMatchObject({ status: 'connected', agent_version: '1.0.0', kubernetes_version: 'v1.32.3', write_mode: false });

    // through cloud_tool: the same parser, grammar, argument rules and Ask/Agent policy, then the agent
    const tool = (body: Record<string, unknown>, u = user) => rt.request('POST', '/api/cloud_tool', { user: u, body });
    const viaTool = await tool({ provider: 'kubernetes', command: 'kubectl get pods -n default' });
    expect(viaTool.status, viaTool.text).toBe(200);
    expect(viaTool.body).toMatchObject({ success: true, provider: 'kubernetes', account_id: t.cluster_id, command: 'kubectl get pods -n default', return_code: 0, classification: 'read' });
    expect(viaTool.body.output).toMatch(/^NAME\s+READY\s+STATUS/);
    for (const name of ['web-7f9c8d6b5-2xk4p', 'web-7f9c8d6b5-9qz7m', 'api-6d5f7c9b8-h3j2k']) expect(viaTool.body.output).toContain(name);
    // the only connected cluster is used when the command names none; JSON output comes back parsed
    const all = await tool({ command: 'kubectl get pods -A -o json', cluster_id: t.cluster_id });
    expect(all.body.provider).toBe('kubernetes');
    expect((all.body.output as { items: Array<{ metadata: { namespace: string } }> }).items.map((p) => p.metadata.namespace)).toContain('kube-system');
    expect((await tool({ provider: 'kubernetes', command: 'kubectl get pods -A' })).body.output).toMatch(/^NAMESPACE\s+NAME/);
    const beforeTool = sim.requests.length;
    const ask = await tool({ provider: 'kubernetes', command: 'kubectl delete pod web-7f9c8d6b5-2xk4p -n default' });
    expect(ask.status).toBe(403);
    expect(ask.body.error).toMatchObject({ code: 'write_not_allowed_in_ask_mode', message: expect.stringContaining('Write operations not allowed in Ask mode') });
    expect((await tool({ provider: 'kubernetes', command: 'kubectl exec web-7f9c8d6b5-2xk4p -- sh', mode: 'agent' })).body.error.code).toBe('command_rejected');
    // Agent mode: a confirmation bound to this exact command and cluster; confirmed, the agent still refuses it
    const conf = await tool({ provider: 'kubernetes', command: 'kubectl delete pod web-7f9c8d6b5-2xk4p -n default', mode: 'agent' });
    expect(conf.body).toMatchObject({ requires_confirmation: true, classification: 'destructive', account_id: t.cluster_id });
    const confirmed = await tool({ provider: 'kubernetes', command: 'kubectl delete pod web-7f9c8d6b5-2xk4p -n default', mode: 'agent', confirmation_id: conf.body.confirmation_id });
    expect(confirmed.status, confirmed.text).toBe(200);
    expect(confirmed.body).toMatchObject({ success: false, classification: 'destructive' });
    expect(confirmed.body.stderr).toMatch(/refused by the agent: .*read-only mode/);
    expect(sim.requests.slice(beforeTool).filter((r) => r.startsWith('DELETE'))).toEqual([]);
    expect((await tool({ provider: 'kubernetes', command: 'kubectl get pods', cluster_id: 'kc-000000000000000000000000' })).status).toBe(404);
    expect((await tool({ provider: 'kubernetes', command: 'kubectl get pods', cluster_id: t.cluster_id }, 'e2e-k8s-intruder')).status).toBe(400);

    // a read goes through the socket, the real kubectl and the simulated API
    const pods = await runOnCluster(deps(), user, t.cluster_id, ['kubectl', 'get', 'pods', '-n', 'default']);
    expect(pods).toMatchObject({ success: true, return_code: 0, refused: false });
    expect(pods.output).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE/);
    for (const name of ['web-7f9c8d6b5-2xk4p', 'web-7f9c8d6b5-9qz7m', 'api-6d5f7c9b8-h3j2k']) expect(pods.output).toContain(name);
    expect(pods.output).not.toContain('coredns');
    const json = await runOnCluster(deps(), user, t.cluster_id, ['kubectl', 'get', 'deployments', '-A', '-o', 'json']);
    expect((JSON.parse(json.output) as { items: Array<{ metadata: { name: string } }> }).items.map((d) => d.metadata.name)).toContain('coredns');

    // a delete sent straight to the agent (no service policy in the way) is refused by the agent
    const before = sim.requests.length;
    const del = await runOnCluster(deps(), user, t.cluster_id, ['kubectl', 'delete', 'pod', 'web-7f9c8d6b5-2xk4p', '-n', 'default']);
    expect(del).toMatchObject({ success: false, refused: true });
    expect(del.error).toMatch(/read-only mode/);
    expect(sim.requests.slice(before).filter((r) => r.startsWith('DELETE'))).toEqual([]);
    const secret = await runOnCluster(deps(), user, t.cluster_id, ['kubectl', 'get', 'secrets', '-A']);
    expect(secret).toMatchObject({ refused: true });
    expect((await runOnCluster(deps(), user, t.cluster_id, ['kubectl', 'exec', 'web-7f9c8d6b5-2xk4p', '--', 'sh'])).refused).toBe(true);

    // heartbeats stop (the service's clock moves 3 intervals past the last one): stale
    clock.advance(3 * 30_000 + 1000);
    expect((await clusterOf(user, t.cluster_id))!.status).toBe('stale');

    // the gateway drops the socket: a command now fails fast with a clear message...
    const ws = rt.runtime.gateway.webSockets!;
    const [socket] = ws.connections();
    expect(ws.kill(socket)).toBe(true);
    await expect(runOnCluster(deps(), user, t.cluster_id, ['kubectl', 'get', 'pods'])).rejects.toMatchObject({ status: 503, code: 'agent_not_connected', message: expect.stringContaining('not connected') });
    // ...and the agent comes back by itself within its backoff, on a new socket
    await eventually(async () => {
      const now = await clusterOf(user, t.cluster_id);
      return now?.status === 'connected' && ws.connections().length === 1 && ws.connections()[0] !== socket;
    }, 'the agent to reconnect');
    expect(agent.lines.some((l) => /"msg":"disconnected; reconnecting"/.test(l))).toBe(true);
    expect((await runOnCluster(deps(), user, t.cluster_id, ['kubectl', 'get', 'ns'])).output).toMatch(/kube-system\s+Active/);

    // revoke: the agent is told, closes with 1008, stops and does not reconnect
    const r = await rt.request('DELETE', `/api/kubectl/connections/${t.cluster_id}`, { user });
    expect(r.body.uninstall.helm_command).toBe('helm uninstall aurora-kubectl-agent --namespace aurora');
    expect(await agent.exit).toBe(3);
    expect(agent.lines.join('\n')).toMatch(/agent stopped: revoked by the service/);
    const connectsAfterExit = rt.logs.filter((l) => l.includes('kubectlAgent.connect')).length;
    await eventually(async () => ws.connections().length === 0, 'the socket to close');
    expect(rt.logs.filter((l) => l.includes('kubectlAgent.connect')).length).toBe(connectsAfterExit);
    expect(await clusterOf(user, t.cluster_id)).toBeUndefined();

    // the token appears in none of the agent's log lines, nor the service's; the hardening leak
    // scan gets the agent's lines too (the runtime's capture)
    expect(findLeaks([...agent.lines, ...rt.logs], [t.token])).toEqual([]);
    rt.logs.push(...agent.lines);
  }, 90_000);

  it('an agent the chart put in write mode runs a delete; the simulated cluster deletes the pod', async () => {
    const user = 'e2e-k8s-write';
    const t = await createClusterToken(rt, user, { cluster_name: 'write-cluster' });
    tokens.push(t.token);
    const agent = new KubectlAgent({
      url: wsUrl(rt),
      token: t.token,
      writeMode: true,
      kubectl: (args, timeoutMs) => runKubectl(KUBECTL, args, { kubeconfig, timeoutMs, maxBytes: 60000, env: { PATH: process.env.PATH, HOME: join(dir, 'home') } }),
      kubernetesVersion: () => serverVersion(KUBECTL, kubeconfig),
      log: () => undefined,
    }).start();
    await agent.waitFor('registered');
    expect((await clusterOf(user, t.cluster_id))!.write_mode).toBe(true);
    const r = await runOnCluster(deps(), user, t.cluster_id, ['kubectl', 'delete', 'pod', 'report-28467120-x8v2n', '-n', 'default', '--wait=false']);
    expect(r).toMatchObject({ success: true, refused: false });
    expect(r.output).toContain('pod "report-28467120-x8v2n" deleted');
    expect(sim.requests).toContain('DELETE /api/v1/namespaces/default/pods/report-28467120-x8v2n');
    // still never: a shell in a pod
    expect((await runOnCluster(deps(), user, t.cluster_id, ['kubectl', 'exec', '-it', 'api-6d5f7c9b8-h3j2k', '--', 'sh'])).refused).toBe(true);
    agent.stop();
    await agent.done;
  }, 60_000);

  it('an agent with a token that is not (or no longer) valid stops at the handshake instead of retrying', async () => {
    const agent = startAgentProcess(['--url', wsUrl(rt), '--kubeconfig', kubeconfig, '--kubectl', KUBECTL], { AURORA_AGENT_TOKEN: `aurora_kubectl_${'A'.repeat(43)}` });
    expect(await agent.exit).toBe(3);
    expect(agent.lines.join('\n')).toMatch(/refused the agent token \(HTTP 401\)/);
    expect(agent.lines.filter((l) => l.includes('reconnecting'))).toEqual([]);
  });
});
