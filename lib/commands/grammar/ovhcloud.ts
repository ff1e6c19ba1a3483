/** ovhcloud (OVHcloud CLI, cobra): `ovhcloud <product> [<resource>...] <verb> [id]`. */
import type { ParsedArgs, Verdict, VerbTable } from '../engine.ts';
import { commandArgs, flagTable, groupTree, hasFlag, parseArgs, pathMatches, verdict, walkTree } from '../engine.ts';
import type { Grammar } from './common.ts';
import { escalate, fromTable, helpVerdict, outcome, walkProblem, inAccessArea, matchPathRule, type AccessAreas, type PathRules } from './common.ts';

const CLI = 'ovhcloud';

const TREE = groupTree(`
account(api(oauth2(client)) ssh-key bill refund usage) alldom api
backup-services(agents billing licenses(servers) policies tenant vault(buckets) vspc)
baremetal(backup(cloud ftp(acl authorizable-blocks)) backup-agent boot catalog credentials ipmi power raid-profile
  service-info traffic vni vrack)
cdn-dedicated
cloud(alerting container-registry(users ip-restrictions oidc plans) database-service instance(application-access autobackup
  backup group interface) ip-failover kube(customization ip-restrictions kubeconfig node nodepool oidc
  private-network-configuration) network(private(subnet) public gateway) operation project quota rancher reference region
  savings-plan ssh-key storage-block storage-s3 storage-swift user(s3-policy))
config dedicated-ceph dedicated-cloud dedicated-cluster dedicated-nasha domain-name domain-zone(record) email-domain
email-mxplan email-pro hosting-private-database iam(permissions-group policy resource resource-group) ip iploadbalancing
ldp location nutanix okms overthebox ovhcloudconnect pack-xdsl sms ssl ssl-gateway storage-netapp support-tickets
telephony veeamcloudconnect veeamenterprise vmwareclouddirector-backup vmwareclouddirector-organization
vps(automated-backup disk image ip secondary-dns-domain service-info snapshot) vrack vrackservices webhosting xdsl
`);

const GLOBAL_FLAGS = flagTable('gnu', {
  value: ['-o', '--output', '-f', '--format', '--profile', '--cloud-project', '--from-file', '--init-file'],
  // --editor, --replace and --dry-run belong to the create/edit commands and `api call`.
  bool: ['-d', '--debug', '-e', '--ignore-errors', '-i', '--interactive', '-j', '--json', '-y', '--yaml', '-h', '--help', '--editor', '--replace', '--dry-run'],
});

const VERBS: VerbTable = {
  exact: {
    list: 'read', get: 'read', show: 'read', version: 'read', completion: 'read', help: 'read', doctor: 'read',
    'install-status': 'read', traffic: 'read', 'raid-profile': 'read', cost: 'read', details: 'read', catalog: 'read',
    quota: 'read', usage: 'read', create: 'write', edit: 'write', update: 'write', set: 'write', add: 'write',
    start: 'write', stop: 'write', reboot: 'write', 'reboot-rescue': 'write', power: 'write', 'exit-rescue': 'write',
    resume: 'write', shelve: 'write', unshelve: 'write', 'change-contacts': 'write', attach: 'write', detach: 'write',
    enable: 'write', disable: 'write', logout: 'write', restart: 'write', upgrade: 'unknown', login: 'unknown',
    browser: 'unknown', delete: 'destructive', remove: 'destructive', terminate: 'destructive',
    'confirm-termination': 'destructive', reinstall: 'destructive', reset: 'destructive', purge: 'destructive',
    'set-password': 'destructive', 'list-secrets': 'sensitive', 'get-console-url': 'sensitive',
    'application-access': 'sensitive', password: 'sensitive',
  },
  prefixes: [
    ['list-', 'read'], ['get-', 'read'], ['delete-', 'destructive'], ['remove-', 'destructive'], ['create-', 'write'],
    ['set-', 'write'], ['activate-', 'write'], ['update-', 'write'], ['edit-', 'write'], ['add-', 'write'],
  ],
};

const PATHS: PathRules = [
  ['baremetal credentials *', 'sensitive', 'creates or returns server credentials'],
  ['baremetal ipmi *', 'sensitive', 'opens remote console access'],
  ['cloud kube kubeconfig *', 'sensitive', 'returns a kubeconfig with cluster credentials'],
  ['cloud user create', 'sensitive', 'creates a user and prints its password'],
  ['cloud container-registry users create', 'sensitive', 'creates a registry user and prints its password'],
  ['account api oauth2 client create', 'sensitive', 'creates an OAuth2 client and prints its secret'],
  ['config *', 'sensitive', 'reads or changes the CLI configuration, which holds the credentials'],
];

const ACCESS_AREAS: AccessAreas = [
  ['iam', 'IAM'], ['cloud kube ip-restrictions', 'cluster network access'], ['cloud kube oidc', 'cluster authentication'],
  ['cloud container-registry ip-restrictions', 'registry network access'], ['cloud container-registry oidc', 'registry authentication'],
  ['cloud user s3-policy', 'storage access'], ['baremetal backup ftp acl', 'backup access'], ['account api', 'API credentials'],
  ['account ssh-key', 'SSH keys'], ['cloud ssh-key', 'SSH keys'],
];

/** `ovhcloud api call <METHOD> <path>` reaches any API route with the user's credentials. */
function apiCall(args: ParsedArgs): Verdict {
  const [method = '', route = ''] = args.positionals;
  if (args.ambiguous) return verdict('unknown', 'ovhcloud api call: cannot tell the method and path apart');
  if (/credential|oauth2|token|password|secret|\/me\/api/i.test(route)) {
    return verdict('sensitive', `ovhcloud api call ${route} touches credentials`);
  }
  switch (method.toUpperCase()) {
    case 'GET':
      return verdict('read', `ovhcloud api call GET ${route} reads from the API`);
    case 'DELETE':
      return verdict('destructive', `ovhcloud api call DELETE ${route} deletes through the API`);
    case 'POST':
    case 'PUT':
    case 'PATCH':
      return verdict('write', `ovhcloud api call ${method.toUpperCase()} ${route} changes resources through the API`);
    default:
      return verdict('unknown', `ovhcloud api call: method '${method}' not recognised`);
  }
}

function decide(path: readonly string[], args: ParsedArgs): Verdict {
  if (pathMatches('api call', path)) return apiCall(args);
  let v: Verdict | undefined = matchPathRule(CLI, path, PATHS);
  v ??= fromTable(CLI, VERBS, path);
  v = inAccessArea(v, CLI, path, ACCESS_AREAS);
  return v;
}

export const ovhcloud: Grammar = {
  cli: CLI,
  argTable: () => GLOBAL_FLAGS,
  classify(args) {
    const walk = walkTree(args, TREE, { flags: () => GLOBAL_FLAGS });
    const help = helpVerdict(CLI, args, GLOBAL_FLAGS, ['-h', '--help']);
    if (help) return outcome(help, walk.path);
    const problem = walkProblem(CLI, walk, false);
    if (problem || walk.kind !== 'command') return outcome(problem ?? verdict('unknown', 'ovhcloud: no command'), walk.path);
    let v = decide(walk.path, commandArgs(walk, GLOBAL_FLAGS));
    if (hasFlag(parseArgs(args, GLOBAL_FLAGS), '-d', '--debug')) {
      v = escalate(v, 'sensitive', 'ovhcloud --debug logs HTTP request details, credentials included');
    }
    return outcome(v, walk.path);
  },
};
