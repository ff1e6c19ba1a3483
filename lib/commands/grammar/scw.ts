/** scw (Scaleway CLI v2): `scw <namespace> <resource> <verb> [key=value ...]`. */
import type { Verdict, VerbTable } from '../engine.ts';
import { flagTable, groupTree, hasFlag, parseArgs, verdict, walkTree } from '../engine.ts';
import type { Grammar } from './common.ts';
import { escalate, fromTable, helpVerdict, outcome, walkProblem, inAccessArea, matchPathRule, type AccessAreas, type PathRules } from './common.ts';

const CLI = 'scw';

const TREE = groupTree(`
account(project ssh-key) apple-silicon(server os server-type)
baremetal(server offer os setting bmc options private-network partition-schema) billing(invoice consumption discount)
block(volume snapshot volume-type)
cockpit(token grafana-user alert-manager contact-point data-source product-dashboard grafana plan usage-overview)
config(profile) container(namespace container cron domain token trigger) dns(zone record tls-certificate version)
edge-services(pipeline backend-stage cache-stage dns-stage route-stage tls-stage waf-stage plan) file(filesystem)
fip(ip mac) function(namespace function cron domain token trigger runtime)
iam(api-key application group policy rule user ssh-key permission-set jwt log organization saml quota)
inference(deployment model endpoint node-type)
instance(server image volume snapshot security-group placement-group ip private-nic user-data server-type volume-type)
iot(hub device route network) ipam(ip) jobs(definition run) k8s(cluster pool node version kubeconfig acl) keymanager(key)
lb(lb backend frontend acl certificate ip route private-network subscriber lb-types) marketplace(image local-image)
mnq(nats(account credentials) sns(credentials) sqs(credentials)) mongodb(instance snapshot user endpoint version node-type)
object(bucket config)
rdb(instance acl user database privilege backup snapshot setting log engine node-type read-replica endpoint)
redis(cluster acl setting endpoint version node-type) registry(namespace image tag) secret(secret version)
tem(domain email webhook) vpc(vpc private-network route acl subnet)
vpc-gw(gateway gateway-network dhcp dhcp-entry pat-rule ip gateway-type) webhosting(hosting offer)
`);

const GLOBAL_FLAGS = flagTable('gnu', {
  value: ['-c', '--config', '-o', '--output', '-p', '--profile'],
  bool: ['-D', '--debug', '-h', '--help', '--wait', '-w', '--version'],
});

const VERBS: VerbTable = {
  exact: {
    list: 'read', get: 'read', wait: 'read', version: 'read', info: 'read', help: 'read', autocomplete: 'read',
    create: 'write', update: 'write', set: 'write', start: 'write', stop: 'write', reboot: 'write', attach: 'write',
    detach: 'write', install: 'write', backup: 'write', restore: 'write', upgrade: 'write', deploy: 'write',
    enable: 'write', disable: 'write', add: 'write', apply: 'write', clone: 'write', move: 'write', export: 'write',
    import: 'write', migrate: 'write', renew: 'write', action: 'write', edit: 'write', upload: 'write',
    prepare: 'write', reset: 'write', unset: 'write', init: 'unknown', login: 'unknown', shell: 'unknown',
    feedback: 'unknown', delete: 'destructive', terminate: 'destructive', remove: 'destructive',
    purge: 'destructive', ssh: 'sensitive', console: 'sensitive',
  },
  prefixes: [
    ['list-', 'read'], ['get-', 'read'], ['delete-', 'destructive'], ['remove-', 'destructive'], ['create-', 'write'],
    ['update-', 'write'], ['set-', 'write'], ['add-', 'write'], ['enable-', 'write'], ['disable-', 'write'],
    ['start-', 'write'], ['stop-', 'write'], ['attach-', 'write'], ['detach-', 'write'], ['reset-', 'write'],
  ],
};

const PATHS: PathRules = [
  ['secret version access', 'sensitive', 'prints the secret value'],
  ['secret version access-by-path', 'sensitive', 'prints the secret value'],
  ['secret secret access', 'sensitive', 'prints the secret value'],
  ['iam api-key create', 'sensitive', 'creates an API key and prints its secret key'],
  ['k8s kubeconfig get', 'sensitive', 'prints a kubeconfig with cluster credentials'],
  ['k8s kubeconfig install', 'write', 'writes cluster credentials into the temporary kubeconfig'],
  ['config get', 'sensitive', 'can print the stored secret key'],
  ['config dump', 'sensitive', 'prints the configuration, secret key included'],
  ['config info', 'sensitive', 'prints the configuration'],
  ['object config get', 'sensitive', 'prints an S3 tool configuration with keys'],
  ['registry login', 'sensitive', 'obtains registry credentials'],
  ['baremetal bmc start', 'sensitive', 'opens remote BMC access and returns its credentials'],
  ['baremetal bmc get', 'sensitive', 'returns BMC access credentials'],
  ['cockpit token create', 'sensitive', 'creates a token and prints it'],
  ['cockpit grafana-user create', 'sensitive', 'creates a user and prints the password'],
  ['cockpit grafana-user reset-password', 'sensitive', 'resets and prints a password'],
  ['function token create', 'sensitive', 'creates a token and prints it'],
  ['container token create', 'sensitive', 'creates a token and prints it'],
  ['mnq nats credentials create', 'sensitive', 'creates credentials and prints them'],
  ['mnq sns credentials create', 'sensitive', 'creates credentials and prints them'],
  ['mnq sqs credentials create', 'sensitive', 'creates credentials and prints them'],
  ['iot device renew-certificate', 'sensitive', 'issues a device certificate and private key'],
  ['keymanager key decrypt', 'sensitive', 'decrypts data'],
  ['keymanager key generate-data-key', 'sensitive', 'returns a plaintext data key'],
  ['instance server console', 'sensitive', 'opens the server console'],
];

const ACCESS_AREAS: AccessAreas = [
  ['iam', 'IAM'], ['instance security-group', 'firewall'], ['rdb acl', 'database network access'],
  ['rdb user', 'database users'], ['rdb privilege', 'database privileges'], ['redis acl', 'network access'],
  ['mongodb user', 'database users'], ['k8s acl', 'cluster network access'], ['lb acl', 'load balancer access'],
  ['vpc acl', 'network access'],
];

function decide(path: readonly string[]): Verdict {
  let v: Verdict | undefined = matchPathRule(CLI, path, PATHS);
  v ??= fromTable(CLI, VERBS, path);
  v = inAccessArea(v, CLI, path, ACCESS_AREAS);
  return v;
}

export const scw: Grammar = {
  cli: CLI,
  argTable: () => GLOBAL_FLAGS,
  classify(args) {
    const walk = walkTree(args, TREE, { flags: () => GLOBAL_FLAGS });
    const help = helpVerdict(CLI, args, GLOBAL_FLAGS, ['-h', '--help']);
    if (help) return outcome(help, walk.path);
    const all = parseArgs(args, GLOBAL_FLAGS);
    let v: Verdict;
    if (walk.kind === 'group' && walk.path.length === 0 && hasFlag(all, '--version')) {
      v = verdict('read', 'scw --version prints the version');
    } else {
      const problem = walkProblem(CLI, walk, false);
      if (problem || walk.kind !== 'command') return outcome(problem ?? verdict('unknown', 'scw: no command'), walk.path);
      v = decide(walk.path);
    }
    if (hasFlag(all, '-D', '--debug')) {
      v = escalate(v, 'sensitive', 'scw --debug logs HTTP requests, which carry the secret key');
    }
    return outcome(v, walk.path);
  },
};
