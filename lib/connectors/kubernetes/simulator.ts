import { randomBytes, randomUUID } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { FaultSwitch } from '../../local/sim-kit.ts';
import { makeSelfSignedCert } from '../../local/self-signed.ts';
import type { RunningSimulator, SimulatorStarter } from '../../local/simulator-types.ts';

/**
 * A simulated Kubernetes API server that the real kubectl (1.32) talks to: legacy discovery
 * (/api, /apis, /api/v1, /apis/apps/v1), /version, namespaces, pods, deployments, events and pod
 * logs; list and get in the API's own JSON shapes, and meta.k8s.io/v1 Tables when kubectl asks for
 * them (it does for every `get` it prints), pod deletion for agents in write mode. It speaks TLS
 * with a throw-away certificate (kubectl sends a bearer token only over TLS) and requires the token
 * of the kubeconfig it writes, as a cluster would. The service never talks to it: only the kubectl
 * agent does, through kubectl.
 */
export const KUBERNETES_SIM = { gitVersion: 'v1.32.3', node: 'sim-node-1' } as const;

type Obj = Record<string, any>;

interface Store {
  namespaces: Obj[];
  pods: Obj[];
  deployments: Obj[];
  events: Obj[];
  logs: Map<string, string>;
}

const ago = (now: number, s: number) => new Date(now - s * 1000).toISOString().replace(/\.\d+Z$/, 'Z');

function seed(now: number): Store {
  let rv = 1000;
  const meta = (name: string, namespace: string | undefined, ageS: number, labels: Record<string, string> = {}) => ({
    name,
    ...(namespace ? { namespace } : {}),
    uid: randomUUID(),
    resourceVersion: String(rv++),
    creationTimestamp: ago(now, ageS),
    ...(Object.keys(labels).length ? { labels } : {}),
  });
  const ns = (name: string, ageS: number) => ({ kind: 'Namespace', apiVersion: 'v1', metadata: meta(name, undefined, ageS, { 'kubernetes.io/metadata.name': name }), spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } });
  let ip = 10;
  const pod = (namespace: string, name: string, app: string, image: string, ageS: number, o: { restarts?: number; phase?: string; ready?: boolean } = {}) => {
    const phase = o.phase ?? 'Running';
    const ready = o.ready ?? phase === 'Running';
    const started = ago(now, ageS - 5);
    return {
      kind: 'Pod',
      apiVersion: 'v1',
      metadata: meta(name, namespace, ageS, { app }),
      spec: { containers: [{ name: app, image, resources: {} }], restartPolicy: phase === 'Succeeded' ? 'Never' : 'Always', nodeName: KUBERNETES_SIM.node, serviceAccountName: 'default' },
      status: {
        phase,
        conditions: [
          { type: 'Initialized', status: 'True', lastTransitionTime: started },
          { type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: started },
          { type: 'ContainersReady', status: ready ? 'True' : 'False', lastTransitionTime: started },
          { type: 'PodScheduled', status: 'True', lastTransitionTime: ago(now, ageS) },
        ],
        hostIP: '192.0.2.10',
        podIP: `10.244.0.${ip}`,
        podIPs: [{ ip: `10.244.0.${ip++}` }],
        startTime: ago(now, ageS),
        containerStatuses: [
          {
            name: app,
            ready,
            started: phase === 'Running',
            restartCount: o.restarts ?? 0,
            image,
            imageID: `${image.split(':')[0]}@sha256:${'0'.repeat(64)}`,
            containerID: `containerd://${randomBytes(32).toString('hex')}`,
            state: phase === 'Running' ? { running: { startedAt: started } } : { terminated: { exitCode: 0, reason: 'Completed', startedAt: started, finishedAt: ago(now, ageS - 60) } },
          },
        ],
        qosClass: 'BestEffort',
      },
    };
  };
  const deployment = (namespace: string, name: string, image: string, replicas: number, ageS: number) => ({
    kind: 'Deployment',
    apiVersion: 'apps/v1',
    metadata: { ...meta(name, namespace, ageS, { app: name }), generation: 1 },
    spec: { replicas, selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec: { containers: [{ name, image }] } }, strategy: { type: 'RollingUpdate' } },
    status: { observedGeneration: 1, replicas, updatedReplicas: replicas, readyReplicas: replicas, availableReplicas: replicas, conditions: [{ type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' }] },
  });
  const event = (namespace: string, objKind: string, objName: string, type: string, reason: string, message: string, ageS: number) => ({
    kind: 'Event',
    apiVersion: 'v1',
    metadata: meta(`${objName}.${randomBytes(8).toString('hex')}`, namespace, ageS),
    involvedObject: { kind: objKind, namespace, name: objName, apiVersion: 'v1', uid: pods.find((p) => p.metadata.name === objName)?.metadata.uid },
    reason,
    message,
    source: { component: 'kubelet', host: KUBERNETES_SIM.node },
    firstTimestamp: ago(now, ageS),
    lastTimestamp: ago(now, ageS),
    count: 1,
    type,
    reportingComponent: 'kubelet',
    reportingInstance: KUBERNETES_SIM.node,
  });
  const pods = [
    pod('default', 'web-7f9c8d6b5-2xk4p', 'web', 'nginx:1.27', 5 * 86400),
    pod('default', 'web-7f9c8d6b5-9qz7m', 'web', 'nginx:1.27', 5 * 86400),
    pod('default', 'api-6d5f7c9b8-h3j2k', 'api', 'ghcr.io/example/api:2.4.1', 2 * 3600, { restarts: 1 }),
    pod('default', 'report-28467120-x8v2n', 'report', 'busybox:1.36', 3 * 3600, { phase: 'Succeeded' }),
    pod('kube-system', 'coredns-5d78c9869d-q8w2e', 'coredns', 'registry.k8s.io/coredns/coredns:v1.11.3', 30 * 86400),
    pod('kube-system', 'kube-proxy-7xk2p', 'kube-proxy', 'registry.k8s.io/kube-proxy:v1.32.3', 30 * 86400),
    pod('aurora', 'aurora-kubectl-agent-6c9d8f7b5-q2w3e', 'aurora-kubectl-agent', 'your-registry/aurora-kubectl-agent:1.0.0', 600),
  ];
  const logs = new Map<string, string>([
    ['default/api-6d5f7c9b8-h3j2k', 'level=info msg="listening" addr=:8080\nlevel=warn msg="slow query" ms=812\nlevel=info msg="GET /healthz" status=200\n'],
    ['default/web-7f9c8d6b5-2xk4p', '10.244.0.1 - - "GET / HTTP/1.1" 200 615\n'],
  ]);
  return {
    namespaces: [ns('default', 30 * 86400), ns('kube-system', 30 * 86400), ns('aurora', 600)],
    pods,
    deployments: [
      deployment('default', 'web', 'nginx:1.27', 2, 5 * 86400),
      deployment('default', 'api', 'ghcr.io/example/api:2.4.1', 1, 2 * 3600),
      deployment('kube-system', 'coredns', 'registry.k8s.io/coredns/coredns:v1.11.3', 1, 30 * 86400),
      deployment('aurora', 'aurora-kubectl-agent', 'your-registry/aurora-kubectl-agent:1.0.0', 1, 600),
    ],
    events: [
      event('default', 'Pod', 'api-6d5f7c9b8-h3j2k', 'Normal', 'Scheduled', `Successfully assigned default/api-6d5f7c9b8-h3j2k to ${KUBERNETES_SIM.node}`, 7200),
      event('default', 'Pod', 'api-6d5f7c9b8-h3j2k', 'Warning', 'BackOff', 'Back-off restarting failed container api in pod api-6d5f7c9b8-h3j2k_default', 3600),
      event('default', 'Pod', 'api-6d5f7c9b8-h3j2k', 'Normal', 'Started', 'Started container api', 3500),
    ],
    logs,
  };
}

/** "5d", "2h13m", "45s": the apiserver's human durations (k8s.io/apimachinery duration.HumanDuration, roughly). */
export function humanAge(fromIso: string, now: number): string {
  const s = Math.max(0, Math.floor((now - Date.parse(fromIso)) / 1000));
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return `${m}m${s % 60 ? `${s % 60}s` : ''}`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return `${h}h${m % 60 ? `${m % 60}m` : ''}`;
  if (h < 48) return `${h}h`;
  const d = Math.floor(h / 24);
  if (d < 8) return `${d}d${h % 24 ? `${h % 24}h` : ''}`;
  return `${d}d`;
}

interface ResourceDef {
  name: string;
  singularName: string;
  kind: string;
  namespaced: boolean;
  shortNames?: string[];
  group: '' | 'apps';
  list(s: Store): Obj[];
  columns: Array<{ name: string; type: string; format?: string; description: string; priority: number }>;
  cells(o: Obj, now: number): unknown[];
}

const col = (name: string, description: string, priority = 0, type = 'string', format = '') => ({ name, type, format, description, priority });
const podStatus = (p: Obj) => (p.status.phase === 'Succeeded' ? 'Completed' : p.metadata.deletionTimestamp ? 'Terminating' : p.status.phase);

const RESOURCES: ResourceDef[] = [
  {
    name: 'pods',
    singularName: 'pod',
    kind: 'Pod',
    namespaced: true,
    shortNames: ['po'],
    group: '',
    list: (s) => s.pods,
    columns: [col('Name', 'Name of the pod', 0, 'string', 'name'), col('Ready', 'Containers ready'), col('Status', 'Pod phase'), col('Restarts', 'Container restarts', 0, 'string'), col('Age', 'Age'), col('IP', 'Pod IP', 1), col('Node', 'Node', 1)],
    cells: (p, now) => {
      const cs = p.status.containerStatuses as Obj[];
      return [p.metadata.name, `${cs.filter((c) => c.ready).length}/${cs.length}`, podStatus(p), String(cs.reduce((n, c) => n + c.restartCount, 0)), humanAge(p.metadata.creationTimestamp, now), p.status.podIP, p.spec.nodeName];
    },
  },
  {
    name: 'namespaces',
    singularName: 'namespace',
    kind: 'Namespace',
    namespaced: false,
    shortNames: ['ns'],
    group: '',
    list: (s) => s.namespaces,
    columns: [col('Name', 'Name', 0, 'string', 'name'), col('Status', 'Phase'), col('Age', 'Age')],
    cells: (n, now) => [n.metadata.name, n.status.phase, humanAge(n.metadata.creationTimestamp, now)],
  },
  {
    name: 'events',
    singularName: 'event',
    kind: 'Event',
    namespaced: true,
    shortNames: ['ev'],
    group: '',
    list: (s) => s.events,
    columns: [col('Last Seen', 'Last seen'), col('Type', 'Type'), col('Reason', 'Reason'), col('Object', 'Object'), col('Message', 'Message')],
    cells: (e, now) => [humanAge(e.lastTimestamp, now), e.type, e.reason, `${e.involvedObject.kind.toLowerCase()}/${e.involvedObject.name}`, e.message],
  },
  {
    name: 'deployments',
    singularName: 'deployment',
    kind: 'Deployment',
    namespaced: true,
    shortNames: ['deploy'],
    group: 'apps',
    list: (s) => s.deployments,
    columns: [col('Name', 'Name', 0, 'string', 'name'), col('Ready', 'Ready replicas'), col('Up-to-date', 'Updated replicas', 0, 'integer'), col('Available', 'Available replicas', 0, 'integer'), col('Age', 'Age'), col('Containers', 'Containers', 1), col('Images', 'Images', 1), col('Selector', 'Selector', 1)],
    cells: (d, now) => [
      d.metadata.name,
      `${d.status.readyReplicas}/${d.spec.replicas}`,
      d.status.updatedReplicas,
      d.status.availableReplicas,
      humanAge(d.metadata.creationTimestamp, now),
      d.spec.template.spec.containers.map((c: Obj) => c.name).join(','),
      d.spec.template.spec.containers.map((c: Obj) => c.image).join(','),
      Object.entries(d.spec.selector.matchLabels).map(([k, v]) => `${k}=${v}`).join(','),
    ],
  },
];

const VERBS_NS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

function resourceList(group: '' | 'apps') {
  const rs = RESOURCES.filter((r) => r.group === group);
  const resources: Obj[] = rs.map((r) => ({ name: r.name, singularName: r.singularName, namespaced: r.namespaced, kind: r.kind, verbs: VERBS_NS, ...(r.shortNames ? { shortNames: r.shortNames } : {}), ...(r.name === 'pods' || r.name === 'deployments' ? { categories: ['all'] } : {}) }));
  if (group === '') resources.push({ name: 'pods/log', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get'] });
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/v1` : 'v1', resources };
}

function status(code: number, reason: string, message: string, details?: Obj) {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code };
}

/** `a=b,c!=d,e` (equality, inequality and existence): the subset of label selectors kubectl users type most. */
function selects(selector: string | null, labels: Record<string, string> = {}): boolean {
  if (!selector) return true;
  return selector.split(',').every((term) => {
    const t = term.trim();
    const ne = /^([^!=]+)!=(.*)$/.exec(t);
    if (ne) return labels[ne[1]] !== ne[2];
    const eq = /^([^!=]+)==?(.*)$/.exec(t);
    if (eq) return labels[eq[1]] === eq[2];
    if (t.startsWith('!')) return !(t.slice(1) in labels);
    return t in labels;
  });
}

function fieldValue(o: Obj, path: string): unknown {
  return path.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Obj)[k] : undefined), o);
}

function fieldSelects(selector: string | null, o: Obj): boolean {
  if (!selector) return true;
  return selector.split(',').every((term) => {
    const ne = /^([^!=]+)!=(.*)$/.exec(term);
    if (ne) return String(fieldValue(o, ne[1]) ?? '') !== ne[2];
    const eq = /^([^!=]+)==?(.*)$/.exec(term);
    return eq ? String(fieldValue(o, eq[1]) ?? '') === eq[2] : true;
  });
}

export interface KubernetesSimulator extends RunningSimulator {
  url: string;
  /** the bearer token kubectl must present (kept in the kubeconfig) */
  token: string;
  /** a kubeconfig for this API server */
  kubeconfig(): string;
  /** requests as "METHOD path" */
  requests: string[];
  faults: FaultSwitch;
  issuedSecrets(): string[];
}

export const startKubernetesSimulator: SimulatorStarter = async (opts) => {
  const store = seed(Date.now());
  const token = `sim-k8s-${randomBytes(24).toString('base64url')}`;
  const faults = new FaultSwitch(opts.latencyMs ?? 0);
  const requests: string[] = [];
  let rv = 5000;

  const send = (res: ServerResponse, code: number, body: unknown, type = 'application/json') => {
    res.writeHead(code, { 'content-type': type, 'cache-control': 'no-cache, private' });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };

  function table(def: ResourceDef, items: Obj[], now: number) {
    return {
      kind: 'Table',
      apiVersion: 'meta.k8s.io/v1',
      metadata: { resourceVersion: String(rv) },
      columnDefinitions: def.columns,
      rows: items.map((o) => ({
        cells: def.cells(o, now),
        object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata },
      })),
    };
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = req.method ?? 'GET';
    requests.push(`${method} ${url.pathname}`);
    const injected = await faults.apply(url.pathname, res);
    if (injected) return send(res, injected, status(injected, 'InternalError', 'injected fault'));
    if (res.destroyed) return;
    if (req.headers.authorization !== `Bearer ${token}`) return send(res, 401, status(401, 'Unauthorized', 'Unauthorized'));
    const accept = req.headers.accept ?? '';
    const wantsTable = /as=Table/.test(accept);
    const now = Date.now();
    const p = url.pathname.replace(/\/+$/, '') || '/';

    if (method === 'GET' && p === '/version') {
      return send(res, 200, { major: '1', minor: '32', gitVersion: KUBERNETES_SIM.gitVersion, gitCommit: '32cc146f75aad04beaaa245a7157eb35063a9f99', gitTreeState: 'clean', buildDate: '2025-03-11T19:52:21Z', goVersion: 'go1.23.6', compiler: 'gc', platform: 'linux/amd64' });
    }
    // Legacy discovery only: kubectl asks for the aggregated form first and falls back to this.
    if (method === 'GET' && p === '/api') return send(res, 200, { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: req.headers.host ?? '127.0.0.1' }] });
    if (method === 'GET' && p === '/apis') {
      return send(res, 200, { kind: 'APIGroupList', apiVersion: 'v1', groups: [{ name: 'apps', versions: [{ groupVersion: 'apps/v1', version: 'v1' }], preferredVersion: { groupVersion: 'apps/v1', version: 'v1' } }] });
    }
    if (method === 'GET' && p === '/api/v1') return send(res, 200, resourceList(''));
    if (method === 'GET' && p === '/apis/apps/v1') return send(res, 200, resourceList('apps'));

    const m = /^\/(?:api\/v1|apis\/(apps)\/v1)(?:\/namespaces\/([^/]+)(?=\/))?\/([a-z]+)(?:\/([^/]+))?(?:\/(log))?$/.exec(p);
    if (!m) return send(res, 404, status(404, 'NotFound', 'the server could not find the requested resource'));
    const [, group = '', namespace, resource, name, sub] = m;
    const def = RESOURCES.find((r) => r.name === resource && r.group === group);
    if (!def) return send(res, 404, status(404, 'NotFound', 'the server could not find the requested resource'));
    if (url.searchParams.get('watch') === 'true' || url.searchParams.get('watch') === '1') {
      return send(res, 405, status(405, 'MethodNotAllowed', 'watch is not supported by the simulated cluster'));
    }
    let items = def.list(store).filter((o) => (def.namespaced && namespace ? o.metadata.namespace === namespace : true));
    if (def.name === 'namespaces' && name === undefined && namespace) items = [];

    if (name === undefined) {
      if (method !== 'GET') return send(res, 405, status(405, 'MethodNotAllowed', `${method} on a collection is not supported by the simulated cluster`));
      items = items.filter((o) => selects(url.searchParams.get('labelSelector'), o.metadata.labels) && fieldSelects(url.searchParams.get('fieldSelector'), o));
      if (wantsTable) return send(res, 200, table(def, items, now));
      return send(res, 200, { kind: `${def.kind}List`, apiVersion: group ? `${group}/v1` : 'v1', metadata: { resourceVersion: String(rv) }, items });
    }
    const obj = items.find((o) => o.metadata.name === name);
    if (!obj) return send(res, 404, status(404, 'NotFound', `${def.name}${group ? `.${group}` : ''} "${name}" not found`, { name, kind: def.name }));
    if (sub === 'log') {
      if (def.name !== 'pods') return send(res, 404, status(404, 'NotFound', 'the server could not find the requested resource'));
      return send(res, 200, store.logs.get(`${obj.metadata.namespace}/${name}`) ?? '', 'text/plain');
    }
    if (method === 'GET') return send(res, 200, wantsTable ? table(def, [obj], now) : obj);
    if (method === 'DELETE' && def.name === 'pods') {
      store.pods = store.pods.filter((o) => o !== obj);
      rv++;
      return send(res, 200, { ...obj, metadata: { ...obj.metadata, deletionTimestamp: new Date(now).toISOString(), deletionGracePeriodSeconds: 30 } });
    }
    return send(res, 405, status(405, 'MethodNotAllowed', `${method} ${def.name} is not supported by the simulated cluster`));
  }

  const cert = makeSelfSignedCert({ commonName: 'aurora kubernetes simulator' });
  const server = createServer({ cert: cert.certPem, key: cert.keyPem }, (req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) send(res, 500, status(500, 'InternalError', 'simulator error'));
    });
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const srv = {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
  const kubeconfig = () =>
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '- name: aurora-sim',
      '  cluster:',
      `    server: ${srv.url}`,
      `    certificate-authority-data: ${Buffer.from(cert.certPem).toString('base64')}`,
      'contexts:',
      '- name: aurora-sim',
      '  context:',
      '    cluster: aurora-sim',
      '    user: aurora-sim',
      '    namespace: default',
      'current-context: aurora-sim',
      'users:',
      '- name: aurora-sim',
      '  user:',
      `    token: ${token}`,
      '',
    ].join('\n');
  let kubeconfigPath: string | undefined;
  if (opts.dataDir) {
    kubeconfigPath = join(opts.dataDir, 'sim-kubeconfig');
    writeFileSync(kubeconfigPath, kubeconfig(), { mode: 0o600 });
  }
  const sim: KubernetesSimulator = {
    name: 'kubernetes',
    url: srv.url,
    token,
    // the service never reaches the cluster: nothing to point it at
    env: {},
    kubeconfig,
    requests,
    faults,
    issuedSecrets: () => [token],
    hint: kubeconfigPath
      ? ({ url }) =>
          `Simulated Kubernetes cluster: kubeconfig in ${kubeconfigPath}. Create an agent token (POST /api/kubectl/tokens), then run: npm run kubectl-agent -- --url ${url.replace(/^http/, 'ws')}/kubectl-agent --token <token> --kubeconfig ${kubeconfigPath}`
      : undefined,
    close: () => srv.close(),
  };
  return sim;
};
