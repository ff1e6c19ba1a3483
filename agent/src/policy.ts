/**
 * The agent's own command policy: defence in depth, so the cluster is not at the mercy of the
 * service. Whatever the service sends, the agent runs only kubectl, only its read-only verbs unless
 * the chart turned write mode on, and never flags that would point kubectl at other credentials,
 * servers or local files, nor commands that open tunnels or shells.
 */
export type Verdict = { ok: true; verb: string } | { ok: false; reason: string };

/** Reads. `rollout` and `auth` are reads only with these subcommands. */
const READ_VERBS = new Set(['get', 'describe', 'logs', 'top', 'explain', 'api-resources', 'api-versions', 'version', 'cluster-info', 'events']);
const READ_SUBCOMMANDS: Record<string, ReadonlySet<string>> = {
  rollout: new Set(['status', 'history']),
  auth: new Set(['can-i', 'whoami']),
};
/** Added by write mode (agent.writeMode in the chart, which also grants the matching RBAC). */
const WRITE_VERBS = new Set(['delete', 'scale', 'label', 'annotate', 'patch', 'cordon', 'uncordon', 'drain', 'taint', 'create', 'expose', 'autoscale', 'set', 'rollout']);
/** Never, in any mode: interactive sessions, tunnels, local files, local kubeconfig, plugins. */
const NEVER = new Set(['exec', 'attach', 'port-forward', 'proxy', 'cp', 'debug', 'edit', 'run', 'apply', 'replace', 'kustomize', 'config', 'plugin', 'completion', 'alpha', 'wait', 'certificate', 'diff']);

/** Flags that change whom kubectl talks to or as whom, or make it read or write local files. */
const FORBIDDEN_FLAGS = new Set([
  '--kubeconfig', '--server', '-s', '--token', '--as', '--as-group', '--as-uid', '--user', '--username', '--password',
  '--client-certificate', '--client-key', '--certificate-authority', '--tls-server-name', '--insecure-skip-tls-verify',
  '--context', '--cluster', '--cache-dir', '--log-file', '--log-dir', '--profile-output', '--kuberc',
  '-f', '--filename', '-k', '--kustomize', '--raw', '--patch-file', '--from-file', '--from-env-file',
]);
/** Output formats that read a template file. */
const FILE_OUTPUT = /^(go-template-file|jsonpath-file|custom-columns-file|template-file)=/;
/** Streams that never end on their own. */
const STREAMING = new Set(['-w', '--watch', '--watch-only', '--follow']);

/** Global flags that take a value (so the verb is found after them). */
const GLOBAL_VALUE = new Set(['-n', '--namespace', '--request-timeout', '-v', '--v', '--vmodule', '--log-flush-frequency']);

/** Shorthands that take a value: in `-nfoo` or `-ojson` the rest of the token is that value (pflag). */
const VALUE_SHORT = new Set(['n', 'o', 'l', 'c', 'L', 'e', 'p', 'v', 'P', 'r', 'u', 'f', 'k', 's']);

/** The flags one token sets: `--name=v` → --name; `-Aw` → -A, -w; `-ojson` → -o. */
function flagNames(token: string): string[] {
  if (token.startsWith('--')) return [token.includes('=') ? token.slice(0, token.indexOf('=')) : token];
  const names: string[] = [];
  for (const c of token.slice(1)) {
    if (c === '=') break;
    names.push(`-${c}`);
    if (VALUE_SHORT.has(c)) break;
  }
  return names;
}

export function checkArgv(argv: readonly string[], opts: { writeMode: boolean }): Verdict {
  if (!Array.isArray(argv) || argv.length === 0 || argv.some((a) => typeof a !== 'string')) return { ok: false, reason: 'argv must be a non-empty list of strings' };
  if (argv[0] !== 'kubectl') return { ok: false, reason: `only kubectl runs here, not ${JSON.stringify(argv[0]).slice(0, 40)}` };
  const args = argv.slice(1);
  let verb: string | undefined;
  let verbAt = -1;
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--') break;
    if (a.startsWith('-')) {
      const name = a.includes('=') ? a.slice(0, a.indexOf('=')) : a;
      if (GLOBAL_VALUE.has(name) && !a.includes('=')) i++;
      continue;
    }
    verb = a;
    verbAt = i;
    break;
  }
  if (!verb) return { ok: false, reason: 'no kubectl command given' };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--') break;
    if (!a.startsWith('-')) continue;
    const eq = a.indexOf('=');
    for (const name of flagNames(a)) {
      if (STREAMING.has(name) || (verb === 'logs' && name === '-f')) return { ok: false, reason: `the agent refuses ${name}: streaming commands never finish` };
      if (FORBIDDEN_FLAGS.has(name)) return { ok: false, reason: `the agent refuses ${name}: it would point kubectl at other credentials, servers or local files` };
    }
    const output = a === '-o' || a === '--output' ? (args[i + 1] ?? '') : /^(-o|--output=)/.test(a) ? a.slice(a.startsWith('--') ? eq + 1 : 2).replace(/^=/, '') : '';
    if (FILE_OUTPUT.test(output)) return { ok: false, reason: 'the agent refuses output templates read from files' };
  }
  if (NEVER.has(verb)) return { ok: false, reason: `the agent never runs kubectl ${verb}` };
  const sub = args.slice(verbAt + 1).find((a) => !a.startsWith('-'));
  const readSubs = READ_SUBCOMMANDS[verb];
  const isRead = READ_VERBS.has(verb) || (readSubs !== undefined && sub !== undefined && readSubs.has(sub));
  if (isRead) {
    if (!opts.writeMode && (verb === 'get' || verb === 'describe') && args.slice(verbAt + 1).some((a) => !a.startsWith('-') && /^secrets?(\.v1|\/|,|$)|(^|,)secrets?(,|$)/i.test(a))) {
      return { ok: false, reason: 'the agent does not read Secrets' };
    }
    return { ok: true, verb };
  }
  if (!WRITE_VERBS.has(verb)) return { ok: false, reason: `kubectl ${verb} is not on the agent's verb list` };
  if (!opts.writeMode) return { ok: false, reason: `kubectl ${verb}${sub && readSubs ? ` ${sub}` : ''} changes the cluster, and this agent runs in read-only mode (the chart's agent.writeMode is off)` };
  return { ok: true, verb };
}
