/** Argument rules for kubectl (1.32, pflag). See ./rules.ts for how they combine. */
import type { ArgRules, Hit, Scan } from './rules.ts';
import { ANYWHERE, internalUrl, ZERO } from './rules.ts';

/** kubectl's own commands; any other first word runs a `kubectl-<word>` plugin binary. */
export const KUBECTL_BUILTINS = new Set([
  'annotate', 'api-resources', 'api-versions', 'apply', 'attach', 'auth', 'autoscale', 'certificate', 'cluster-info',
  'completion', 'config', 'cordon', 'cp', 'create', 'debug', 'delete', 'describe', 'diff', 'drain', 'edit', 'events',
  'exec', 'explain', 'expose', 'get', 'help', 'kustomize', 'label', 'logs', 'options', 'patch', 'plugin', 'port-forward',
  'proxy', 'replace', 'rollout', 'run', 'scale', 'set', 'taint', 'top', 'uncordon', 'version', 'wait', 'alpha',
]);

function plugin(scan: Scan): Hit | null {
  const first = scan.path[0];
  return first !== undefined && !KUBECTL_BUILTINS.has(first) ? { value: first } : null;
}

/**
 * `-f`/`--filename` must name a manifest kubectl can fetch without touching this machine: a
 * public https URL. Local paths, standard input and URLs of internal hosts are refused.
 */
function filename(scan: Scan): Hit | null {
  for (const f of scan.flags) {
    const name = f.names[f.names.length - 1]!;
    // `logs -f` is --follow: the table knows it takes no value there.
    if ((name !== '-f' && name !== '--filename') || f.bool) continue;
    const value = f.tableValue ?? '';
    if (/^https:\/\//i.test(value) && !internalUrl(value)) continue;
    return { flag: f.written.startsWith('--') ? '--filename' : '-f', value };
  }
  return null;
}

/** Flags that make kubectl wait on the terminal (or open an editor), unless set to false. */
const INTERACTIVE = ['-i', '--stdin', '-t', '--tty', '--interactive', '--edit', '--attach', '--leave-stdin-open'];

function interactive(scan: Scan): Hit | null {
  for (const f of scan.flags) {
    const hit = f.names.find((n) => INTERACTIVE.includes(n));
    if (hit === undefined) continue;
    if (f.attached !== undefined && f.names.length === 1 && /^(false|f|0)$/i.test(f.attached)) continue;
    return { flag: f.names.length === 1 ? f.written : hit };
  }
  return null;
}

const WRITES = ['apply', 'create', 'create *', 'replace', 'patch', 'edit', 'expose', 'run', 'set *', 'scale', 'autoscale', 'label', 'annotate'];

export const kubectlArgs: ArgRules = {
  flags: { bool: ['--dry-run'] },
  rules: [
    { id: 'kubectl.helm', effect: 'refuse', match: { flag: ['--enable-helm', '--helm-command', '--enable-alpha-plugins', '--enable-exec', '--exec-command', '--exec-arg', '--exec-env', '--exec-api-version', '--exec-interactive-mode', '--auth-provider', '--auth-provider-arg', '--mount', '--network'] }, reason: 'kubectl {flag} runs local programs (helm, exec plugins, functions)' },
    // --- refused: local files, directories and standard input
    { id: 'kubectl.filename', effect: 'refuse', match: { test: filename }, reason: "kubectl {flag} '{value}' reads a local file, standard input or an internal URL; give the manifest inline (kubectl create/patch) or as a public https URL" },
    { id: 'kubectl.tls-files', effect: 'refuse', on: ['create secret'], match: { flag: ['--cert', '--key'] }, reason: 'kubectl create secret tls {flag} reads a local file' },
    { id: 'kubectl.kustomize', effect: 'refuse', match: { flag: ['-k', '--kustomize'] }, reason: 'kubectl {flag} reads a local directory or clones a repository locally' },
    { id: 'kubectl.kustomize-command', effect: 'refuse', on: ['kustomize'], reason: 'kubectl kustomize reads local directories, clones repositories and can run helm or plugins; it is refused' },
    { id: 'kubectl.local-write', effect: 'refuse', match: { flag: ['--output-directory', '--cache-dir', '--log-file', '--log-dir', '--profile-output', '--kuberc', '--from-file', '--from-env-file', '--env-file', '--patch-file'] }, reason: 'kubectl {flag} reads or writes local files' },
    { id: 'kubectl.profile', effect: 'refuse', match: { flag: ['--profile'], value: /^(?!none$)/ }, reason: 'kubectl {flag} writes a profile to a local file' },
    // --- refused: local programs, ports, sessions, editors and plugins
    { id: 'kubectl.session', effect: 'refuse', on: ['exec', 'attach', 'port-forward', 'proxy', 'debug', 'cp', 'edit', 'apply edit-last-applied'], reason: '{command} opens a session, a local port or an editor, or copies local files; it is refused' },
    { id: 'kubectl.plugin', effect: 'refuse', on: ['plugin **', 'krew **'], reason: '{command}: kubectl plugins run local programs; they are refused' },
    { id: 'kubectl.plugin-command', effect: 'refuse', match: { test: plugin }, reason: "'{value}' is not a kubectl command: kubectl would run a kubectl-{value} plugin program; it is refused" },
    { id: 'kubectl.interactive', effect: 'refuse', match: { test: interactive }, reason: 'kubectl {flag} waits for input on the terminal or opens an editor' },
    // --- refused: credential, endpoint and configuration overrides
    { id: 'kubectl.endpoint', effect: 'refuse', match: { flag: ['-s', '--server', '--tls-server-name', '--insecure-skip-tls-verify', '--certificate-authority'] }, reason: 'kubectl {flag} changes which API server receives the credentials, or how it is verified' },
    { id: 'kubectl.credentials', effect: 'refuse', match: { flag: ['--kubeconfig', '--token', '--username', '--password', '--client-key', '--client-certificate', '--as', '--as-group', '--as-uid'] }, reason: 'kubectl {flag} uses other credentials or another identity than the connected account' },
    { id: 'kubectl.config-change', effect: 'refuse', on: ['config set', 'config set-*', 'config unset', 'config use-context', 'config use', 'config delete-*', 'config rename-context'], reason: 'kubectl config changes the kubeconfig (clusters, users, contexts); configuration commands are refused' },

    // --- raised
    { id: 'kubectl.scale-to-zero', effect: 'destructive', match: { any: [{ flag: ['--replicas', '--max'], value: ZERO }, { pair: /replicas/, value: ZERO }] }, reason: 'kubectl {flag}={value} scales to zero: the workload stops' },
    { id: 'kubectl.expose-public', effect: 'destructive', on: WRITES, match: { any: [{ flag: ['--type'], value: /^(LoadBalancer|NodePort)$/i }, { pair: /type/, value: /^(LoadBalancer|NodePort)$/ }, { flag: ['--load-balancer-source-ranges'], value: ANYWHERE }] }, reason: 'exposes the service outside the cluster ({value})' },
    // `create service loadbalancer|nodeport NAME`: the service type is a subcommand word there.
    { id: 'kubectl.create-public-service', effect: 'destructive', on: ['create service'], match: { operand: /^(loadbalancer|nodeport)$/, at: 0 }, reason: 'exposes the service outside the cluster ({value})' },
    { id: 'kubectl.taint-evict', effect: 'destructive', on: ['taint'], match: { operand: /:NoExecute$/ }, reason: 'a NoExecute taint evicts the pods running on the node' },
    { id: 'kubectl.config-secrets', effect: 'sensitive', on: ['config view'], match: { flag: ['--raw', '--flatten'] }, reason: 'kubectl config view {flag} prints credentials' },

    // --- lowered
    { id: 'kubectl.dry-run', effect: 'dry-run', match: { flag: ['--dry-run'], value: /^(client|server|true|t|1)$/i }, reason: 'kubectl {flag} only shows what would change' },
  ],
};
