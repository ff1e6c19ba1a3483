/**
 * kubectl: a small command tree whose meaning often depends on arguments: the resource type of
 * `get`, the direction of `cp`, the output format when secrets are involved.
 *
 * kubectl uses pflag, which lets flags appear anywhere and lets a value flag take the next token
 * even when it starts with `-`, so the flag tables must be right to find positionals at all.
 */
import type { CommandClass, FlagSpec, FlagTable, ParsedArgs, Verdict } from '../engine.ts';
import { commandArgs, flagTable, flagValues, groupTree, hasFlag, verdict, walkTree } from '../engine.ts';
import type { Grammar } from './common.ts';
import { escalate, helpVerdict, outcome, unknownVerb, walkProblem } from './common.ts';

const CLI = 'kubectl';

const GLOBAL: FlagSpec = {
  value: [
    '--as', '--as-group', '--as-uid', '--cache-dir', '--certificate-authority', '--client-certificate', '--client-key',
    '--cluster', '--context', '--kubeconfig', '-n', '--namespace', '--password', '--profile', '--profile-output',
    '--request-timeout', '-s', '--server', '--tls-server-name', '--token', '--user', '--username', '-v', '--v',
    '--vmodule', '--log-flush-frequency', '--log-backtrace-at', '--log-dir', '--log-file', '--log-file-max-size',
    '--stderrthreshold', '--kuberc',
  ],
  bool: [
    '--insecure-skip-tls-verify', '--match-server-version', '--disable-compression', '--warnings-as-errors',
    '--alsologtostderr', '--logtostderr', '--one-output', '--skip-headers', '--skip-log-headers', '-h', '--help',
  ],
};

/**
 * Command flags (union over kubectl 1.32 commands). Flags whose arity differs between commands
 * (`-f`, `-p`, `-w`, `--raw`, `--prefix`) get the common meaning here and are overridden per
 * command below. Flags with an optional value (`--dry-run`, `--cascade`, `--validate`) never take
 * the next token, so they are booleans for our purpose.
 */
const COMMAND: FlagSpec = {
  value: [
    '-o', '--output', '-l', '--selector', '--field-selector', '-f', '--filename', '-k', '--kustomize', '-c', '--container',
    '--containers', '--template', '--sort-by', '-L', '--label-columns', '--chunk-size', '--raw', '--subresource',
    '--grace-period', '--timeout', '--since', '--since-time', '--tail', '--limit-bytes', '--max-log-requests',
    '--pod-running-timeout', '--replicas', '--current-replicas', '--resource-version', '--image', '--port', '--type',
    '--overrides', '--prune-allowlist', '--field-manager', '--patch', '--patch-file', '--env', '-e', '--from',
    '--from-env-file', '--from-file', '--from-literal', '--labels', '--annotations', '--name', '--cluster-ip',
    '--external-ip', '--load-balancer-ip', '--target-port', '--protocol', '--session-affinity', '--restart',
    '--retries', '--revision', '--role', '--clusterrole', '--serviceaccount', '--group', '--for', '--keys', '--min',
    '--max', '--cpu-percent', '--copy-to', '--custom', '--set-image', '--target', '--image-pull-policy', '--duration',
    '--audience', '--bound-object-kind', '--bound-object-name', '--bound-object-uid', '--api-group', '--verbs',
    '--categories', '--api-version', '--address', '--accept-hosts', '--accept-paths', '--reject-methods',
    '--reject-paths', '--unix-socket', '--www', '--www-prefix', '--api-prefix', '--keepalive', '--concurrency',
    '--output-directory', '--namespaces', '--pod-selector', '--skip-wait-for-delete-timeout', '--override-type',
    '-P', '-r', '-u', '--types', '--auth-provider', '--auth-provider-arg', '--exec-api-version', '--exec-arg',
    '--exec-command', '--exec-env', '--exec-interactive-mode', '--load-restrictor', '--mount', '--network-name',
  ],
  bool: [
    '--all', '--all-containers', '--all-namespaces', '-A', '--all-pods', '--allow-missing-template-keys',
    '--append-hash', '--attach', '--cached', '--client', '--command', '--delete-emptydir-data', '--disable-eviction',
    '--edit', '--embed-certs', '--expose', '--flatten', '--follow', '--force', '--force-conflicts',
    '--ignore-daemonsets', '--ignore-errors', '--ignore-not-found', '--interactive', '-i', '--keep-annotations',
    '--list', '--local', '--merge', '--minify', '--no-headers', '--no-preserve', '--now', '--overwrite', '--previous',
    '--privileged', '--prune', '--quiet', '-q', '--recursive', '-R', '--resolve', '--rm', '--save-config',
    '--server-print', '--server-side', '--show-kind', '--show-labels', '--show-managed-fields', '--stdin', '--tty', '-t',
    '--timestamps', '--watch', '-w', '--watch-only', '--windows-line-endings', '--output-watch-events', '--dry-run',
    '--cascade', '--validate', '--wait', '--openapi-patch', '--namespaced', '--sum', '--use-protocol-buffers',
    '--show-events', '--share-processes', '--same-node', '--replace', '--leave-stdin-open', '--as-current-user',
    '--insecure-skip-tls-verify-backend', '--arguments-only', '--keep-init-containers', '--keep-labels',
    '--keep-liveness', '--keep-readiness', '--keep-startup', '--output-patch', '--enable-helm', '--enable-alpha-plugins',
    '--disable-filter', '--exec-provide-cluster-info', '--append-server-path', '--network',
  ],
};

const BASE = flagTable('gnu', GLOBAL, COMMAND);
const PER_COMMAND: Record<string, FlagTable> = {
  logs: flagTable('gnu', GLOBAL, COMMAND, { bool: ['-f', '-p', '--prefix'] }),
  config: flagTable('gnu', GLOBAL, COMMAND, { bool: ['--raw'] }),
  patch: flagTable('gnu', GLOBAL, COMMAND, { value: ['-p'] }),
  proxy: flagTable('gnu', GLOBAL, COMMAND, { value: ['-p', '-w', '--prefix'] }),
  'port-forward': flagTable('gnu', GLOBAL, COMMAND, { value: ['--address'] }),
  'set': flagTable('gnu', GLOBAL, COMMAND, { value: ['--prefix'] }),
};
const flagsFor = (path: readonly string[]): FlagTable => PER_COMMAND[path[0] ?? ''] ?? BASE;

// Groups whose next word is a subcommand. `create`, `apply` and `cluster-info` also run on their
// own (`kubectl create -f x`), so they are hybrid and their subcommands are looked up in TABLE.
const TREE = groupTree('config rollout set auth certificate plugin create* apply* cluster-info*');

const TABLE: Record<string, readonly [CommandClass, string]> = {
  describe: ['read', 'describes resources (secret values are not shown)'],
  logs: ['read', 'reads container logs'],
  top: ['read', 'shows resource usage'],
  explain: ['read', 'shows API documentation'],
  'api-resources': ['read', 'lists API resources'],
  'api-versions': ['read', 'lists API versions'],
  'cluster-info': ['read', 'shows cluster endpoints'],
  'cluster-info dump': ['read', 'dumps cluster state and logs'],
  version: ['read', 'prints versions'],
  diff: ['read', 'shows what apply would change'],
  events: ['read', 'lists events'],
  wait: ['read', 'waits for a condition'],
  kustomize: ['read', 'renders kustomizations locally'],
  completion: ['read', 'prints shell completion code'],
  options: ['read', 'prints global options'],
  help: ['read', 'help output only'],
  'plugin list': ['read', 'lists plugins'],
  'auth can-i': ['read', 'checks permissions'],
  'auth whoami': ['read', 'shows the current identity'],
  'rollout status': ['read', 'shows rollout status'],
  'rollout history': ['read', 'shows rollout history'],
  'config view': ['read', 'shows the kubeconfig with credentials redacted'],
  'config get-contexts': ['read', 'lists contexts'],
  'config get-clusters': ['read', 'lists clusters'],
  'config get-users': ['read', 'lists users'],
  'config current-context': ['read', 'shows the current context'],
  'apply view-last-applied': ['read', 'shows the last applied configuration'],
  apply: ['write', 'creates or updates resources'],
  create: ['write', 'creates resources'],
  edit: ['write', 'edits resources'],
  patch: ['write', 'patches resources'],
  replace: ['write', 'replaces resources'],
  label: ['write', 'changes labels'],
  annotate: ['write', 'changes annotations'],
  scale: ['write', 'changes replica counts'],
  autoscale: ['write', 'creates an autoscaler'],
  expose: ['write', 'creates a service'],
  run: ['write', 'starts a pod'],
  taint: ['write', 'changes node taints'],
  cordon: ['write', 'marks a node unschedulable'],
  uncordon: ['write', 'marks a node schedulable'],
  'rollout restart': ['write', 'restarts a rollout'],
  'rollout undo': ['write', 'rolls back a rollout'],
  'rollout pause': ['write', 'pauses a rollout'],
  'rollout resume': ['write', 'resumes a rollout'],
  'set image': ['write', 'changes container images'],
  'set env': ['write', 'changes environment variables'],
  'set resources': ['write', 'changes resource requests and limits'],
  'set selector': ['write', 'changes a selector'],
  'config use-context': ['write', 'switches the context in the temporary kubeconfig'],
  'config use': ['write', 'switches the context in the temporary kubeconfig'],
  'config set-context': ['write', 'changes the temporary kubeconfig'],
  'config set-cluster': ['write', 'changes the temporary kubeconfig'],
  'config set-credentials': ['write', 'changes the temporary kubeconfig'],
  'config set': ['write', 'changes the temporary kubeconfig'],
  'config unset': ['write', 'changes the temporary kubeconfig'],
  'config rename-context': ['write', 'changes the temporary kubeconfig'],
  'apply set-last-applied': ['write', 'changes the last-applied annotation'],
  'apply edit-last-applied': ['write', 'edits the last-applied annotation'],
  'certificate deny': ['write', 'denies a certificate request'],
  'create secret': ['write', 'creates a secret'],
  delete: ['destructive', 'deletes resources'],
  drain: ['destructive', 'evicts every pod from a node'],
  'config delete-context': ['destructive', 'deletes from the kubeconfig'],
  'config delete-cluster': ['destructive', 'deletes from the kubeconfig'],
  'config delete-user': ['destructive', 'deletes from the kubeconfig'],
  'auth reconcile': ['destructive', 'changes RBAC roles and bindings'],
  'certificate approve': ['destructive', 'approves a certificate request (issues a credential)'],
  'set subject': ['destructive', 'changes RBAC binding subjects'],
  'set serviceaccount': ['destructive', 'changes the identity workloads run as'],
  'create clusterrole': ['destructive', 'creates an RBAC role'],
  'create clusterrolebinding': ['destructive', 'grants an RBAC role'],
  'create role': ['destructive', 'creates an RBAC role'],
  'create rolebinding': ['destructive', 'grants an RBAC role'],
  exec: ['sensitive', 'runs a command inside a container'],
  attach: ['sensitive', 'attaches to a running container'],
  'port-forward': ['sensitive', 'opens a tunnel into the cluster'],
  proxy: ['sensitive', 'exposes the API server with the user’s credentials'],
  debug: ['sensitive', 'starts a debugging container with access to the workload'],
  'create token': ['sensitive', 'mints a service-account token'],
};

// Formats that only show names and summary columns; every other format can print secret data.
const SUMMARY_FORMATS = new Set(['', 'wide', 'name']);

function isSecretType(spec: string): boolean {
  const type = spec.toLowerCase().split('/')[0]!.split('.')[0]!;
  return type === 'secret' || type === 'secrets';
}

function getVerdict(args: ParsedArgs): Verdict {
  for (const raw of flagValues(args, '--raw')) {
    // Anything but a plain API path could reach secrets or proxy into pods and nodes.
    if (/secret|proxy|%|\.\./i.test(raw) || !raw.startsWith('/')) {
      return verdict('sensitive', `kubectl get --raw ${raw} may return secret data`);
    }
  }
  // `--raw` without a path, or with resource arguments, is an error in kubectl; it must not turn
  // the rest into a read.
  if (flagValues(args, '--raw').length > 0 && args.positionals.length === 0) return verdict('read', 'kubectl get --raw reads an API path');
  const formats = flagValues(args, '-o', '--output').map((f) => f.split('=')[0]!.toLowerCase());
  const revealing = formats.some((f) => !SUMMARY_FORMATS.has(f)) || hasFlag(args, '--template');
  if (!revealing) return verdict('read', 'kubectl get lists resources (summary output shows no secret data)');
  const pos = args.positionals;
  let types: string[];
  if (args.ambiguous) types = pos.flatMap((p) => p.split(','));
  else if (pos[0]?.includes('/')) types = pos;
  else types = (pos[0] ?? '').split(',');
  if (types.some(isSecretType)) {
    return verdict('sensitive', 'kubectl get secrets with a full output format prints secret data');
  }
  if (hasFlag(args, '-f', '--filename', '-k', '--kustomize')) {
    return verdict('sensitive', 'kubectl get -f/-k with a full output format may print secret data');
  }
  if (args.ambiguous) {
    return verdict('read', 'kubectl get prints resources (no secret type among the arguments)');
  }
  return verdict('read', 'kubectl get prints resources that are not secrets');
}

function cpVerdict(args: ParsedArgs): Verdict {
  const [src, dst] = args.positionals;
  if (args.ambiguous || src === undefined) return verdict('sensitive', 'kubectl cp: cannot tell the copy direction');
  if (src.includes(':')) return verdict('sensitive', 'kubectl cp from a pod reads files out of a container');
  if (dst?.includes(':')) return verdict('write', 'kubectl cp into a pod writes files in a container');
  return verdict('unknown', 'kubectl cp without a pod path');
}

function decide(path: readonly string[], args: ParsedArgs): Verdict {
  const key = path.join(' ');
  if (key === 'get') return getVerdict(args);
  if (key === 'cp') return cpVerdict(args);
  const row = TABLE[key] ?? (path[0] === 'create' && path.length === 2 ? TABLE.create : undefined);
  if (!row) return unknownVerb(CLI, path);
  let v = verdict(row[0], `kubectl ${key} ${row[1]}`);
  if (key === 'config view' && hasFlag(args, '--raw')) {
    v = escalate(v, 'sensitive', 'kubectl config view --raw prints credentials');
  }
  if (key === 'set env') {
    if (hasFlag(args, '--resolve')) v = verdict('sensitive', 'kubectl set env --resolve prints values from secrets');
    else if (hasFlag(args, '--list')) v = verdict('read', 'kubectl set env --list lists environment variables');
  }
  if (key === 'replace' && hasFlag(args, '--force')) {
    v = escalate(v, 'destructive', 'kubectl replace --force deletes and recreates resources');
  }
  if (key === 'apply' && hasFlag(args, '--prune', '--force')) {
    v = escalate(v, 'destructive', 'kubectl apply --prune/--force deletes resources');
  }
  return v;
}

export const kubectl: Grammar = {
  cli: CLI,
  argTable: flagsFor,
  classify(args) {
    const walk = walkTree(args, TREE, { flags: flagsFor });
    const table = flagsFor(walk.path);
    const help = helpVerdict(CLI, args, table, ['-h', '--help']);
    let v: Verdict;
    if (help) v = help;
    else {
      const problem = walkProblem(CLI, walk, false);
      if (problem) v = problem;
      else v = decide(walk.path, commandArgs(walk, table));
    }
    // --server, --kubeconfig and the other credential flags are refused by the argument rules (kubectl-args.ts).
    return outcome(v, walk.path);
  },
};
