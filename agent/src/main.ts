/**
 * npm run kubectl-agent -- --url <ws url> --token <token> [--kubeconfig <file>] [--write-mode]
 * Every option also reads from the environment (the Helm chart sets these): AURORA_WS_ENDPOINT,
 * AURORA_AGENT_TOKEN (or AURORA_AGENT_TOKEN_FILE), KUBECONFIG, AURORA_AGENT_WRITE_MODE,
 * AURORA_CLUSTER_ID, KUBECTL_PATH. Inside a pod with no kubeconfig, kubectl uses the pod's
 * ServiceAccount. Logs are JSON lines on stdout; the token is never among them.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { KubectlAgent } from './agent.ts';
import { runKubectl, serverVersion } from './kubectl.ts';
import { AGENT_VERSION } from './version.ts';

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    token: { type: 'string' },
    'token-file': { type: 'string' },
    kubeconfig: { type: 'string' },
    'write-mode': { type: 'boolean' },
    'cluster-id': { type: 'string' },
    kubectl: { type: 'string' },
    'max-output-bytes': { type: 'string' },
  },
});

function log(level: string, msg: string, fields: Record<string, unknown> = {}) {
  process.stdout.write(`${JSON.stringify({ level, time: new Date().toISOString(), msg, ...fields })}\n`);
}

function fail(msg: string): never {
  log('error', msg);
  process.exit(2);
}

const env = process.env;
const url = values.url ?? env.AURORA_WS_ENDPOINT;
const tokenFile = values['token-file'] ?? env.AURORA_AGENT_TOKEN_FILE;
const token = (values.token ?? env.AURORA_AGENT_TOKEN ?? (tokenFile ? readFileSync(tokenFile, 'utf8') : undefined))?.trim();
if (!url) fail('--url (or AURORA_WS_ENDPOINT) is required: the WebSocket URL shown with your agent token');
if (!/^wss?:\/\//.test(url)) fail('--url must be a ws:// or wss:// URL');
if (!token) fail('--token (or AURORA_AGENT_TOKEN / AURORA_AGENT_TOKEN_FILE) is required');
if (!/^aurora_kubectl_[A-Za-z0-9_-]{43}$/.test(token)) fail('the token is not an Aurora kubectl agent token (aurora_kubectl_…)');
const kubeconfig = values.kubeconfig ?? env.KUBECONFIG;
const writeMode = values['write-mode'] ?? ['true', '1', 'yes', 'on'].includes((env.AURORA_AGENT_WRITE_MODE ?? '').toLowerCase());
const kubectl = values.kubectl ?? env.KUBECTL_PATH ?? 'kubectl';
const maxBytes = Number(values['max-output-bytes'] ?? env.AURORA_AGENT_MAX_OUTPUT_BYTES ?? 60000);
if (!Number.isInteger(maxBytes) || maxBytes < 1000 || maxBytes > 100000) fail('--max-output-bytes must be an integer between 1000 and 100000');

log('info', 'aurora kubectl agent starting', { version: AGENT_VERSION, writeMode, kubeconfig: kubeconfig ? 'given' : 'in-cluster' });
const agent = new KubectlAgent({
  url,
  token,
  writeMode,
  clusterId: values['cluster-id'] ?? env.AURORA_CLUSTER_ID,
  kubectl: (args, timeoutMs) => runKubectl(kubectl, args, { kubeconfig, timeoutMs, maxBytes }),
  kubernetesVersion: () => serverVersion(kubectl, kubeconfig),
  log,
}).start();

for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => agent.stop(`received ${sig}`));
const why = await agent.done;
// 0 when asked to stop; 3 when the service no longer accepts this agent (a restart will not help)
process.exit(why.kind === 'stopped' ? 0 : 3);
