/** gcloud: the command path is found in the generated GA group tree; the verb decides. */
import type { ParsedArgs, Verdict, VerbTable } from '../engine.ts';
import { commandArgs, flagTable, flagValues, groupTree, hasFlag, pathMatches, verdict, walkTree } from '../engine.ts';
import type { Grammar } from './common.ts';
import { classifySql, escalate, fromTable, helpVerdict, outcome, walkProblem, inAccessArea, matchPathRule, type AccessAreas, type PathRules } from './common.ts';
import { GCLOUD_GROUPS } from './gcloud-groups.ts';

const CLI = 'gcloud';
const TREE = groupTree(GCLOUD_GROUPS);
const TRACKS = new Set(['alpha', 'beta', 'preview']);

/** gcloud-wide flags, plus the few group-level flags the tree defines (container, run, dataproc). */
const GLOBAL_FLAGS = flagTable('gnu', {
  value: [
    '--access-token-file', '--account', '--billing-project', '--configuration', '--flags-file', '--flatten',
    '--format', '--impersonate-service-account', '--project', '--trace-token', '--verbosity',
    '--location', '--region', '--zone', '--bucket', '--deployment', '--transaction-file',
  ],
  bool: [
    '--help', '-h', '--log-http', '--no-log-http', '--quiet', '-q', '--user-output-enabled',
    '--no-user-output-enabled', '--version', '--async',
  ],
});

/** After the verb: the global flags and the list/filter flags most commands share. */
const ARG_FLAGS = flagTable('gnu', { value: [...GLOBAL_FLAGS.value] , bool: [...GLOBAL_FLAGS.bool] }, {
  value: ['--filter', '--limit', '--page-size', '--sort-by', '--sql', '--command', '--member', '--role'],
  bool: ['--uri'],
});

const HELP_FLAGS = ['--help', '-h'];

const VERBS: VerbTable = {
  exact: {
    // read
    list: 'read', describe: 'read', ls: 'read', cat: 'read', du: 'read', show: 'read', read: 'read', tail: 'read',
    get: 'read', info: 'read', version: 'read', help: 'read', 'cheat-sheet': 'read', search: 'read', lookup: 'read',
    query: 'read', hash: 'read', browse: 'read', wait: 'read', 'wait-last': 'read', 'wait-until': 'read',
    'wait-until-stable': 'read', validate: 'read', explain: 'read', predict: 'read', 'raw-predict': 'read',
    'direct-predict': 'read', 'direct-raw-predict': 'read', 'stream-direct-predict': 'read',
    'stream-direct-raw-predict': 'read', 'stream-raw-predict': 'read', troubleshoot: 'read', simulate: 'read',
    test: 'read', 'test-ip': 'read', 'evaluate-user-consents': 'read', 'is-upgradeable': 'read', 'env-init': 'read',
    download: 'read', 'download-route-policy': 'read', 'show-effective-config': 'read', 'stream-logs': 'read',
    recognize: 'read', 'classify-text': 'read', deidentify: 'read', 'suggest-crop': 'read',
    'sanitize-user-prompt': 'read', 'sanitize-model-response': 'read', encrypt: 'read', 'raw-encrypt': 'read',
    'mac-verify': 'read', 'create-signature-payload': 'read', 'fetch-static-ips': 'read',
    'fetch-database-properties': 'read', 'fetch-source-objects': 'read', 'get-public-key': 'read',
    'get-public-cert': 'read', 'analyze-iam-policy-longrunning': 'write',
    // sensitive: the output is a credential, or the command opens a session with one
    'get-credentials': 'sensitive', 'get-auth-string': 'sensitive', 'get-key-string': 'sensitive',
    'print-access-token': 'sensitive', 'print-identity-token': 'sensitive', 'config-helper': 'sensitive',
    access: 'sensitive', ssh: 'sensitive', scp: 'sensitive', connect: 'sensitive', 'connect-to-serial-port': 'sensitive',
    'start-iap-tunnel': 'sensitive', 'start-tcp-tunnel': 'sensitive', 'reset-windows-password': 'sensitive',
    'generate-login-token': 'sensitive', 'sign-blob': 'sensitive', 'sign-jwt': 'sensitive', 'sign-url': 'sensitive',
    decrypt: 'sensitive', 'asymmetric-decrypt': 'sensitive', 'raw-decrypt': 'sensitive', 'asymmetric-sign': 'sensitive',
    'mac-sign': 'sensitive', 'reset-secret': 'sensitive', 'reset-admin-password': 'sensitive',
    'generate-wallet': 'sensitive', 'fetch-read-token': 'sensitive', 'fetch-read-write-token': 'sensitive',
    docker: 'sensitive',
    // destructive: deletes, irreversible resets, and access-control changes
    delete: 'destructive', rm: 'destructive', destroy: 'destructive', purge: 'destructive', drop: 'destructive',
    'bulk-delete': 'destructive', revoke: 'destructive', drain: 'destructive', terminate: 'destructive',
    reimage: 'destructive', reinstall: 'destructive', 'recreate-instances': 'destructive', restore: 'destructive',
    'restore-backup': 'destructive', unlink: 'destructive', unregister: 'destructive', undeploy: 'destructive',
    'undeploy-model': 'destructive', 'undeploy-index': 'destructive', 'detach-subscription': 'destructive',
    'set-iam-policy': 'destructive', 'add-iam-policy-binding': 'destructive', 'remove-iam-policy-binding': 'destructive',
    'add-invoker-policy-binding': 'destructive', 'remove-invoker-policy-binding': 'destructive',
    'set-password': 'destructive', 'set-password-policy': 'destructive', 'set-roles': 'destructive',
    'set-superuser': 'destructive', grant: 'destructive', 'set-service-account': 'destructive',
    'modify-membership-roles': 'destructive', 'enable-vpc-service-controls': 'destructive',
    'disable-vpc-service-controls': 'destructive', 'set-attestation-rules': 'destructive',
    'add-attestation-rule': 'destructive', 'reset-ssl-config': 'destructive', cleanup: 'destructive',
    'replace-all': 'destructive', 'enforce-all': 'destructive', 'add-members': 'destructive',
    'create-members': 'destructive', 'add-acl-entry': 'destructive', 'update-access-config': 'write',
    // unknown on purpose: interactive, long-running or changes the local SDK
    init: 'unknown', install: 'unknown', uninstall: 'unknown', 'local-run': 'unknown', feedback: 'unknown',
    survey: 'unknown',
    // write
    reset: 'write', set: 'write', unset: 'write', edit: 'write', patch: 'write', replace: 'write', insert: 'write',
    cancel: 'write', pause: 'write', reboot: 'write', snapshot: 'write', rotate: 'write', advance: 'write',
    redeploy: 'write', seed: 'write', scan: 'write', subscribe: 'write', star: 'write', unstar: 'write',
    untag: 'write', link: 'write', activate: 'write', login: 'write', 'configure-docker': 'write', build: 'write',
    train: 'write', commit: 'write', save: 'write', compose: 'write', cp: 'write', mv: 'write', rsync: 'write',
    load: 'write', extract: 'write', write: 'write', call: 'write', seek: 'write', convert: 'write', kill: 'write',
    enforce: 'write', allow: 'write', deny: 'write', approve: 'write', reject: 'write', dismiss: 'write',
    lock: 'write', unlock: 'write', rename: 'write', undelete: 'write', diagnose: 'write', generate: 'write',
    'config-ssh': 'write', configure: 'write', 'print-settings': 'read', 'set-policy': 'write', switch: 'write', relocate: 'write', repair: 'write',
    revert: 'write', replicate: 'write', monitor: 'write', 'ignore-job': 'write', buffer: 'write',
    'remove-job': 'destructive', remove: 'destructive', deprecate: 'write', 'tail-serial-port-output': 'read',
    log: 'read', 'open-console': 'read', 'load-vex': 'write', verify: 'read', authorize: 'destructive',
    deauthorize: 'destructive', discover: 'read', 'cancel-preview': 'write', abort: 'write',
    'initiate-push-transfer': 'destructive', compute: 'read', metrics: 'read', backup: 'write', reverse: 'write',
    sync: 'write', iam: 'read', reorder: 'write', proxy: 'sensitive', group: 'read', 'bulk-mute': 'write',
    resolve: 'read', 'service-agent': 'read', 'install-status': 'read', 'extend-schema': 'write',
  },
  prefixes: [
    ['delete-', 'destructive'], ['remove-', 'destructive'], ['purge-', 'destructive'], ['destroy-', 'destructive'],
    ['drop-', 'destructive'], ['revoke-', 'destructive'], ['terminate-', 'destructive'],
    ['list-', 'read'], ['describe-', 'read'], ['get-', 'read'], ['search-', 'read'], ['query-', 'read'],
    ['check-', 'read'], ['validate-', 'read'], ['analyze-', 'read'], ['detect-', 'read'], ['recognize-', 'read'],
    ['print-', 'read'], ['export-', 'write'], ['import-', 'write'],
    ['create', 'write'], ['update', 'write'], ['set-', 'write'], ['add', 'write'], ['start', 'write'],
    ['stop', 'write'], ['enable', 'write'], ['disable', 'write'], ['attach', 'write'], ['detach', 'write'],
    ['import', 'write'], ['export', 'write'], ['deploy', 'write'], ['resize', 'write'], ['restart', 'write'],
    ['resume', 'write'], ['suspend', 'write'], ['run', 'write'], ['submit', 'write'], ['execute', 'write'],
    ['upgrade', 'write'], ['complete-', 'write'], ['rollback', 'write'], ['promote', 'write'], ['demote', 'write'],
    ['failover', 'write'], ['database-failover', 'write'], ['switchover', 'write'], ['migrate', 'write'],
    ['move', 'write'], ['copy', 'write'], ['clone', 'write'], ['upload', 'write'], ['publish', 'write'],
    ['pull', 'write'], ['ack', 'write'], ['acknowledge', 'write'], ['modify-', 'write'], ['mark-', 'write'],
    ['invalidate', 'write'], ['register', 'write'], ['enroll', 'write'], ['unenroll', 'write'], ['apply', 'write'],
    ['accept-', 'write'], ['reject-', 'write'], ['upsert-', 'write'], ['mutate-', 'write'], ['trigger-', 'write'],
    ['renew-', 'write'], ['reschedule-', 'write'], ['perform-', 'write'], ['inject-', 'write'], ['report-', 'write'],
    ['send-', 'write'], ['simulate-', 'write'], ['expand-', 'write'], ['establish-', 'write'], ['retry-', 'write'],
    ['rerun', 'write'], ['replay-', 'write'], ['instantiate', 'write'], ['acquire-', 'write'], ['release-', 'write'],
    ['change-', 'write'], ['alter-', 'write'], ['abandon', 'write'], ['generate-', 'write'], ['edit-', 'write'],
    ['reset-', 'write'], ['activate-', 'write'], ['stop-', 'write'], ['reencrypt', 'write'],
  ],
};

/** Groups named after a verb whose commands are variants of it (`health-checks create http`). */
const VERB_GROUPS = new Set(['create', 'update', 'export', 'import', 'submit', 'add-job', 'print-settings', 'configure', 'restore', 'diagnose']);

/** Exact command paths (release track removed) whose class the verb alone gets wrong. */
const PATHS: PathRules = [
  ['iam service-accounts keys create', 'sensitive', 'creates and downloads a service-account private key'],
  ['iam service-accounts keys upload', 'destructive', 'adds a service-account key (a new credential)'],
  ['storage hmac create', 'sensitive', 'creates an HMAC key and prints its secret'],
  ['services api-keys create', 'sensitive', 'creates an API key and prints its key string'],
  ['sql ssl client-certs create', 'sensitive', 'creates a client certificate and prints its private key'],
  ['sql ssl-certs create', 'sensitive', 'creates a client certificate and prints its private key'],
  ['parametermanager parameters versions render', 'sensitive', 'renders parameter values with secrets resolved'],
  ['compute instance-groups managed rolling-action replace', 'destructive', 'deletes and recreates the group instances'],
  ['compute instances bulk create', 'write', 'creates instances'],
  ['services vpc-peerings connect', 'write', 'creates a private services connection'],
  ['auth list', 'read', 'lists credentialed accounts'],
  ['auth login', 'write', 'stores credentials in the temporary configuration'],
  ['auth activate-service-account', 'write', 'stores credentials in the temporary configuration'],
  ['auth application-default login', 'write', 'stores credentials in the temporary configuration'],
  ['config list', 'read', 'shows configuration properties'],
  ['config get', 'read', 'shows a configuration property'],
  ['config get-value', 'read', 'shows a configuration property'],
  ['emulators * start', 'unknown', 'starts a long-running local emulator'],
  ['components list', 'read', 'lists SDK components'],
  ['components *', 'unknown', 'changes the local SDK installation'],
  ['topic *', 'read', 'prints a help topic'],
  ['meta *', 'unknown', 'internal SDK command'],
];

/** Command areas where every change is an access-control change (so never a plain write). */
const ACCESS_AREAS: AccessAreas = [
  ['iam', 'IAM'],
  ['access-context-manager', 'VPC Service Controls'],
  ['org-policies', 'organisation policy'],
  ['resource-manager org-policies', 'organisation policy'],
  ['identity', 'group membership'],
  ['iap', 'Identity-Aware Proxy access'],
  ['access-approval', 'access approval'],
  ['pam', 'privileged access'],
  ['compute firewall-rules', 'firewall'],
  ['compute firewall-policies', 'firewall'],
  ['compute network-firewall-policies', 'firewall'],
  ['compute security-policies', 'Cloud Armor'],
  ['compute os-login', 'OS Login keys'],
  ['app firewall-rules', 'firewall'],
  ['sql users', 'database users'],
  ['alloydb users', 'database users'],
  ['sql ssl', 'database client certificates'],
  ['sql ssl-certs', 'database client certificates'],
  ['services api-keys', 'API key restrictions'],
  ['container binauthz', 'Binary Authorization'],
  ['organizations', 'organisation'],
];

function decide(path: readonly string[], all: ParsedArgs): Verdict {
  let v: Verdict | undefined = matchPathRule(CLI, path, PATHS);
  // Commands nested under a verb-named group (`sql export csv`, `builds triggers create github`)
  // take the class of that group.
  v ??= fromTable(CLI, VERBS, path, VERB_GROUPS);
  v = inAccessArea(v, CLI, path, ACCESS_AREAS);

  if (pathMatches('storage rsync', path) && hasFlag(all, '--delete-unmatched-destination-objects')) {
    v = escalate(v, 'destructive', 'gcloud storage rsync --delete-unmatched-destination-objects deletes destination objects');
  }
  if (path[path.length - 1]?.startsWith('execute-sql')) {
    for (const sql of flagValues(all, '--sql')) v = escalate(v, classifySql(sql).class, `${CLI} ${path.join(' ')}: ${classifySql(sql).reason}`);
  }
  if (path[0] === 'artifacts' && path[1] === 'print-settings' && hasFlag(all, '--json-key')) {
    v = escalate(v, 'sensitive', 'gcloud artifacts print-settings --json-key embeds a service-account key in the output');
  }
  // Configuration, credential and file-reading flags are refused by the argument rules (gcloud-args.ts).
  return v;
}

export const gcloud: Grammar = {
  cli: CLI,
  argTable: () => ARG_FLAGS,
  classify(args) {
    const walk = walkTree(args, TREE, { flags: () => GLOBAL_FLAGS, transparent: TRACKS });
    const path = walk.path.filter((p, i) => !(i === 0 && TRACKS.has(p)));
    const help = helpVerdict(CLI, args, ARG_FLAGS, HELP_FLAGS);
    if (help) return outcome(help, path);
    if (walk.kind === 'group' && path.length === 0 && walk.before.some((f) => f.names.includes('--version'))) {
      return outcome(verdict('read', 'gcloud --version prints the SDK version'), path);
    }
    const problem = walkProblem(CLI, walk, false);
    if (problem || walk.kind !== 'command') return outcome(problem ?? verdict('unknown', 'gcloud: no command'), path);
    return outcome(decide(path, commandArgs(walk, ARG_FLAGS)), path);
  },
};
