/**
 * az: groups then a verb; arguments are (almost) always flags. The group tree below covers the
 * core command modules; a group missing from it makes its commands `unknown`, never misread.
 */
import type { ParsedArgs, Verdict, VerbTable } from '../engine.ts';
import { commandArgs, flagTable, flagValues, groupTree, hasFlag, pathMatches, verdict, walkTree } from '../engine.ts';
import type { Grammar } from './common.ts';
import { escalate, fromTable, helpVerdict, outcome, walkProblem, inAccessArea, matchPathRule, type AccessAreas, type PathRules } from './common.ts';

const CLI = 'az';

const TREE = groupTree(`
account(lock management-group(subscription) alias)
acr(repository credential token(credential) webhook replication scope-map task(credential identity timer) agentpool
  network-rule helm(repo) manifest config(retention content-trust soft-delete authentication-as-arm) connected-registry
  encryption identity private-endpoint-connection private-link-resource cache credential-set artifact-streaming)
ad(app(credential owner permission federated-credential) sp(credential owner) user group(member owner) signed-in-user)
advisor(recommendation configuration)
afd(profile endpoint origin-group origin route rule-set(rule) secret security-policy custom-domain log-analytic waf-log-analytic)
aks(nodepool(snapshot) command addon snapshot trustedaccess(rolebinding role) maintenanceconfiguration mesh approuting
  oidc-issuer machine namespace connection)
apim(api(operation release revision schema versionset tag) product(api) nv named-value deletedservice graphql)
appconfig(kv feature(filter) credential identity replica revision snapshot)
appservice(plan ase domain hybrid vnet-integration kube)
backup(vault(backup-properties identity encryption resource-guard-mapping) policy item protection container job recoverypoint restore)
batch(account(keys identity network-profile) application(package summary) pool job task(file subtask) node(file user
  service-logs scheduling) certificate location job-schedule private-endpoint-connection private-link-resource)
cdn(profile endpoint(rule) origin origin-group custom-domain waf(policy))
cloud
cognitiveservices(account(keys deployment identity network-rule commitment-plan) model usage commitment-tier)
config(param-persist)
consumption(usage budget pricesheet marketplace reservation)
container
containerapp(env(certificate dapr-component storage workload-profile identity) revision(label) replica secret
  ingress(traffic cors access-restriction) logs registry identity job(execution secret identity registry) auth dapr ssl
  hostname connection)
cosmosdb(sql(database(throughput) container(throughput) role(assignment definition) stored-procedure trigger
  user-defined-function restorable-database restorable-container restorable-resource) mongodb(database(throughput)
  collection(throughput) role(definition) user(definition)) cassandra(keyspace(throughput) table(throughput))
  gremlin(database(throughput) graph(throughput)) table(throughput) keys network-rule private-endpoint-connection
  private-link-resource identity restorable-database-account locations service)
deployment(group sub mg tenant operation(group sub mg tenant))
deployment-scripts
disk disk-access disk-encryption-set
eventgrid(topic(key) domain(key topic) event-subscription system-topic(event-subscription) partner namespace(topic client
  topic-space permission-binding) extension-topic)
eventhubs(namespace(authorization-rule(keys) network-rule-set schema-registry application-group private-endpoint-connection
  encryption identity replica) eventhub(authorization-rule(keys) consumer-group) georecovery-alias(authorization-rule(keys)) cluster)
extension
feature(registration)
functionapp(config(appsettings container ssl hostname access-restriction) deployment(slot source user container
  github-actions) keys function(keys) plan identity cors vnet-integration hybrid-connection log(deployment))
graph(shared-query)
group(lock deployment(operation))
hdinsight(application script-action)
identity(federated-credential)
image(builder(customizer output))
iot(hub(policy certificate consumer-group routing-endpoint route message-enrichment identity) dps(enrollment enrollment-group
  linked-hub certificate policy))
keyvault(secret key(rotation-policy) certificate(contact issuer(admin) pending) network-rule private-endpoint-connection
  private-link-resource role(assignment definition) backup restore security-domain region setting)
lock
managedapp(definition)
maps(account(keys) creator)
mariadb(server(firewall-rule configuration vnet-rule replica) db)
monitor(metrics(alert) activity-log(alert) log-analytics(workspace(data-export linked-service linked-storage pack
  saved-search table) query-pack cluster solution) diagnostic-settings(categories subscription) action-group
  app-insights(component(billing linked-storage continues-export) api-key metrics events web-test workbook)
  autoscale(rule profile) log-profiles private-link-scope data-collection(rule endpoint) scheduled-query account
  alert-processing-rule)
mysql(server(firewall-rule configuration ad-admin vnet-rule key replica) db flexible-server(firewall-rule parameter db
  replica ad-admin identity backup server-logs gtid export import deploy maintenance advanced-threat-protection-setting))
netappfiles(account(backup-policy ad) pool volume(export-policy replication) snapshot(policy) volume-group)
network(vnet(subnet peering) nsg(rule) public-ip(prefix) lb(rule address-pool(address) probe frontend-ip inbound-nat-rule
  inbound-nat-pool outbound-rule) application-gateway(address-pool frontend-ip frontend-port http-listener http-settings
  rule probe ssl-cert ssl-policy waf-config waf-policy(policy-setting custom-rule managed-rule) redirect-config url-path-map
  rewrite-rule(set condition) root-cert auth-cert identity private-link listener routing-rule settings client-cert
  ssl-profile) nic(ip-config(address-pool inbound-nat-rule)) dns(zone record-set(a aaaa caa cname mx ns ptr soa srv txt
  ds naptr tlsa)) private-dns(zone link(vnet) record-set(a aaaa cname mx ptr soa srv txt)) private-endpoint(dns-zone-group
  ip-config asg) private-link-service(connection) route-table(route) nat(gateway) firewall(network-rule(collection)
  application-rule(collection) nat-rule(collection) policy(rule-collection-group(collection(rule))) ip-config)
  vpn-gateway vnet-gateway(vpn-client ipsec-policy root-cert revoked-cert) local-gateway vpn-connection(ipsec-policy
  shared-key) express-route(peering auth gateway port) watcher(flow-log connection-monitor packet-capture troubleshooting)
  bastion front-door(frontend-endpoint backend-pool routing-rule waf-policy) traffic-manager(profile endpoint)
  ddos-protection asg service-endpoint(policy policy-definition) cross-region-lb(rule address-pool frontend-ip))
policy(assignment(identity non-compliance-message) definition set-definition exemption state remediation event attestation)
postgres(server(firewall-rule configuration ad-admin vnet-rule key replica) db flexible-server(firewall-rule parameter db
  replica ad-admin identity backup server-logs migration deploy advanced-threat-protection-setting long-term-retention
  private-endpoint-connection virtual-endpoint fabric-mirroring index-tuning))
ppg
provider(feature operation permission)
redis(firewall-rules patch-schedule server-link access-policy access-policy-assignment identity)
relay(namespace(authorization-rule(keys)) hyco(authorization-rule(keys)) wcfrelay(authorization-rule(keys)))
resource(link lock)
role(assignment definition)
search(service admin-key query-key shared-private-link-resource private-endpoint-connection)
security(alert assessment pricing setting contact auto-provisioning-setting)
serial-console
servicebus(namespace(authorization-rule(keys) network-rule-set private-endpoint-connection encryption identity replica)
  queue(authorization-rule(keys)) topic(authorization-rule(keys) subscription(rule)) georecovery-alias(authorization-rule(keys))
  migration)
sig(image-definition image-version share gallery-application(version))
signalr(key cors upstream network-rule identity custom-domain custom-certificate replica)
snapshot
sql(server(firewall-rule ad-admin ad-only-auth audit-policy vnet-rule key tde-key dns-alias conn-policy
  outbound-firewall-rule ipv6-firewall-rule threat-policy) db(replica op threat-policy audit-policy ltr-policy str-policy
  ledger-digest-uploads tde classification(recommendation)) elastic-pool(op) mi(ad-admin ad-only-auth key tde-key op)
  midb(ltr-backup ltr-policy short-term-retention-policy log-replay) failover-group instance-failover-group vm(group) dw
  virtual-cluster)
ssh
sshkey
staticwebapp(appsettings environment hostname identity secrets users functions backends enterprise-edge)
storage(account(keys network-rule management-policy blob-service-properties(delete-policy) file-service-properties
  encryption-scope private-endpoint-connection or-policy(rule) local-user hns-migration blob-inventory-policy)
  blob(lease metadata copy service-properties(delete-policy) tag immutability-policy) container(lease metadata policy
  legal-hold immutability-policy) container-rm share(metadata policy) share-rm file(metadata copy) directory(metadata)
  queue(metadata policy) table(policy) entity message fs(directory(metadata) file(metadata) access metadata
  service-properties) logging metrics cors)
synapse(workspace(firewall-rule key managed-identity) sql(pool ad-admin audit-policy) spark(pool job session statement)
  pipeline trigger dataset linked-service notebook role(assignment definition scope) integration-runtime data-flow)
tag
vm(disk extension(image) image(terms) nic run-command user identity encryption boot-diagnostics secret availability-set
  host(group) application monitor(log metrics) unmanaged-disk diagnostics)
vmss(disk extension(image) nic identity run-command encryption diagnostics rolling-upgrade application)
webapp(config(appsettings connection-string ssl hostname access-restriction container storage-account backup snapshot)
  deployment(slot source user container github-actions) log(deployment) identity cors auth(microsoft github google
  facebook twitter apple openid-connect config-version) traffic-routing vnet-integration hybrid-connection
  webjob(continuous triggered) connection sitecontainers)
`);

const GLOBAL_FLAGS = flagTable('gnu', {
  value: ['--subscription', '-o', '--output', '--query'],
  bool: ['--debug', '--verbose', '--only-show-errors', '-h', '--help', '--version'],
});

const ARG_FLAGS = flagTable('gnu', { value: [...GLOBAL_FLAGS.value], bool: [...GLOBAL_FLAGS.bool] }, {
  value: [
    '-g', '--resource-group', '-n', '--name', '-l', '--location', '--ids', '--method', '-m', '--url', '--uri', '-u',
    '--resource', '--role', '--scope', '--assignee', '--vault-name', '--mode', '--template-file', '--parameters',
    '--delete-destination', '--public-access', '--allow-blob-public-access', '--public-network-access', '--default-action',
  ],
  bool: ['--yes', '-y', '--no-wait', '--show-values', '--expose-token', '--force'],
});

const VERBS: VerbTable = {
  exact: {
    list: 'read', show: 'read', exists: 'read', wait: 'read', query: 'read', tail: 'read', browse: 'read',
    validate: 'read', 'what-if': 'read', version: 'read', find: 'read', download: 'read', check: 'read', get: 'read',
    delete: 'destructive', purge: 'destructive', remove: 'destructive', reimage: 'destructive', revoke: 'destructive',
    generalize: 'destructive', 'open-port': 'destructive', 'force-delete': 'destructive',
    'get-access-token': 'sensitive', 'get-credentials': 'sensitive', 'get-shared-keys': 'sensitive',
    'show-connection-string': 'sensitive', 'list-connection-strings': 'sensitive', 'list-keys': 'sensitive',
    'list-read-only-keys': 'sensitive', 'list-publishing-profiles': 'sensitive', 'list-publishing-credentials': 'sensitive',
    'generate-sas': 'sensitive', 'regenerate-key': 'sensitive', 'regenerate-keys': 'sensitive',
    'create-for-rbac': 'sensitive', 'create-remote-connection': 'sensitive', ssh: 'sensitive', exec: 'sensitive',
    attach: 'write', connect: 'sensitive', 'get-admin-credentials': 'sensitive', 'list-secrets': 'sensitive',
    login: 'write', logout: 'write', up: 'write', init: 'unknown', interactive: 'unknown', feedback: 'unknown',
    upgrade: 'unknown', 'self-test': 'read',
    set: 'write', reset: 'write', swap: 'write', clear: 'write', scale: 'write', deallocate: 'write', run: 'write',
    invoke: 'write', sync: 'write', tag: 'write', copy: 'write', move: 'write', restore: 'write', recover: 'write',
    redeploy: 'write', reapply: 'write', capture: 'write', convert: 'write', migrate: 'write', failover: 'write',
    promote: 'write', refresh: 'write', rebuild: 'write', reconcile: 'write', apply: 'write', link: 'write',
    unlink: 'write', pause: 'write', resume: 'write', suspend: 'write', reboot: 'write', rollback: 'write',
    assign: 'write', renew: 'write', rotate: 'write', approve: 'write', reject: 'write', generate: 'write',
    register: 'write', unregister: 'write', import: 'write', export: 'write', upload: 'write', deploy: 'write',
    install: 'unknown', uninstall: 'unknown', build: 'write', push: 'write', stop: 'write', start: 'write',
    restart: 'write', cancel: 'write', resize: 'write', 'perform-maintenance': 'write', repair: 'write',
  },
  prefixes: [
    ['delete-', 'destructive'], ['remove-', 'destructive'], ['purge-', 'destructive'], ['revoke-', 'destructive'],
    ['list-', 'read'], ['show-', 'read'], ['get-', 'read'], ['check-', 'read'], ['download-', 'read'],
    ['create', 'write'], ['update', 'write'], ['set-', 'write'], ['add', 'write'], ['start', 'write'], ['stop', 'write'],
    ['restart', 'write'], ['enable', 'write'], ['disable', 'write'], ['attach', 'write'], ['detach', 'write'],
    ['upload', 'write'], ['import', 'write'], ['export', 'write'], ['reset-', 'write'], ['upgrade-', 'write'],
    ['restore-', 'write'], ['move-', 'write'], ['copy-', 'write'], ['run-', 'write'], ['rotate-', 'write'],
    ['renew-', 'write'], ['simulate-', 'write'], ['send-', 'write'], ['invoke-', 'write'], ['deploy-', 'write'],
    ['config-', 'write'], ['sync-', 'write'], ['unassign', 'write'],
  ],
};

/** Exact command paths whose class the verb alone gets wrong. */
const PATHS: PathRules = [
  ['keyvault secret show', 'sensitive', 'prints the secret value'],
  ['keyvault secret download', 'sensitive', 'writes the secret value out'],
  ['keyvault secret show-deleted', 'sensitive', 'prints the deleted secret value'],
  ['keyvault secret backup', 'sensitive', 'exports the secret'],
  ['keyvault key decrypt', 'sensitive', 'decrypts data with the key'],
  ['keyvault key unwrap-key', 'sensitive', 'unwraps a key'],
  ['keyvault key sign', 'sensitive', 'signs with the key'],
  ['keyvault security-domain download', 'sensitive', 'exports the vault security domain'],
  ['aks get-credentials', 'sensitive', 'fetches cluster credentials'],
  ['aks command invoke', 'sensitive', 'runs a command inside the cluster'],
  ['account get-access-token', 'sensitive', 'prints an access token'],
  ['ad sp credential reset', 'sensitive', 'creates a new secret and prints it'],
  ['ad app credential reset', 'sensitive', 'creates a new secret and prints it'],
  ['vm run-command invoke', 'sensitive', 'runs a command on the VM and returns its output'],
  ['vm run-command create', 'sensitive', 'runs a command on the VM'],
  ['vmss run-command invoke', 'sensitive', 'runs a command on the instances and returns the output'],
  ['webapp config appsettings list', 'sensitive', 'prints app settings, which commonly hold secrets'],
  ['webapp config connection-string list', 'sensitive', 'prints connection strings'],
  ['functionapp config appsettings list', 'sensitive', 'prints app settings, which commonly hold secrets'],
  ['functionapp keys list', 'sensitive', 'prints function keys'],
  ['functionapp function keys list', 'sensitive', 'prints function keys'],
  ['staticwebapp secrets list', 'sensitive', 'prints the deployment token'],
  ['staticwebapp appsettings list', 'sensitive', 'prints app settings'],
  ['acr credential show', 'sensitive', 'prints registry passwords'],
  ['acr credential renew', 'sensitive', 'regenerates and prints a registry password'],
  ['acr login', 'sensitive', 'obtains a registry token'],
  ['acr token create', 'sensitive', 'creates a registry token and prints its password'],
  ['acr token credential generate', 'sensitive', 'generates and prints token passwords'],
  ['iot hub connection-string show', 'sensitive', 'prints connection strings with keys'],
  ['iot hub policy list', 'sensitive', 'prints shared access keys'],
  ['iot hub policy show', 'sensitive', 'prints shared access keys'],
  ['appconfig credential list', 'sensitive', 'prints access keys'],
  ['appconfig credential regenerate', 'sensitive', 'regenerates and prints access keys'],
  ['containerapp secret show', 'sensitive', 'prints the secret value'],
  ['containerapp job secret show', 'sensitive', 'prints the secret value'],
  ['monitor app-insights api-key create', 'sensitive', 'creates an API key and prints it'],
  ['sshkey create', 'sensitive', 'generates an SSH private key'],
  ['ssh *', 'sensitive', 'opens an SSH session or issues SSH credentials'],
  ['serial-console *', 'sensitive', 'opens the serial console'],
  ['group export', 'read', 'prints a template of the group'],
  ['webapp config snapshot restore', 'destructive', 'overwrites the app with a snapshot'],
  ['extension *', 'unknown', 'installs or changes CLI extensions (code that runs here)'],
  ['cloud register', 'sensitive', 'registers endpoints that credentials would be sent to'],
  ['cloud update', 'sensitive', 'changes endpoints that credentials are sent to'],
  ['config set', 'write', 'changes the temporary CLI configuration'],
];

/** A write in these areas changes who may access what, so it is destructive. */
const ACCESS_AREAS: AccessAreas = [
  ['role', 'Azure RBAC'], ['ad', 'Entra ID identities'], ['identity federated-credential', 'workload identity'],
  ['keyvault network-rule', 'network access'], ['keyvault role', 'Key Vault RBAC'],
  ['network nsg rule', 'network security group'], ['network firewall', 'firewall'],
  ['sql server firewall-rule', 'firewall'], ['sql server ad-admin', 'database administrators'],
  ['sql server ad-only-auth', 'database authentication'], ['sql mi ad-admin', 'database administrators'],
  ['postgres server firewall-rule', 'firewall'], ['postgres flexible-server firewall-rule', 'firewall'],
  ['postgres flexible-server ad-admin', 'database administrators'], ['mysql server firewall-rule', 'firewall'],
  ['mysql flexible-server firewall-rule', 'firewall'], ['mysql flexible-server ad-admin', 'database administrators'],
  ['mariadb server firewall-rule', 'firewall'], ['cosmosdb sql role', 'Cosmos DB RBAC'],
  ['cosmosdb mongodb role', 'Cosmos DB RBAC'], ['cosmosdb mongodb user', 'Cosmos DB users'],
  ['cosmosdb network-rule', 'network access'], ['redis firewall-rules', 'firewall'],
  ['redis access-policy', 'Redis access'], ['redis access-policy-assignment', 'Redis access'],
  ['storage account network-rule', 'network access'], ['storage container policy', 'stored access policy'],
  ['storage share policy', 'stored access policy'], ['storage queue policy', 'stored access policy'],
  ['storage table policy', 'stored access policy'], ['webapp config access-restriction', 'access restrictions'],
  ['functionapp config access-restriction', 'access restrictions'], ['webapp auth', 'app authentication'],
  ['acr network-rule', 'network access'], ['acr token', 'registry tokens'], ['acr scope-map', 'registry tokens'],
  ['aks trustedaccess', 'cluster access'], ['vm user', 'VM users and SSH keys'],
  ['servicebus namespace authorization-rule', 'shared access keys'], ['servicebus queue authorization-rule', 'shared access keys'],
  ['servicebus topic authorization-rule', 'shared access keys'], ['eventhubs namespace authorization-rule', 'shared access keys'],
  ['eventhubs eventhub authorization-rule', 'shared access keys'], ['relay namespace authorization-rule', 'shared access keys'],
  ['iot hub policy', 'shared access keys'], ['synapse role', 'Synapse RBAC'], ['synapse workspace firewall-rule', 'firewall'],
];

/** Groups whose list/show/renew verbs print keys. */
const KEY_GROUPS = new Set(['keys', 'key', 'admin-key', 'query-key']);

/** Flags whose presence turns a write into an access-control change. */
const ACCESS_FLAGS: ReadonlyArray<readonly [flag: string, what: string]> = [
  ['--role', 'grants an Azure role'],
  ['--attach-acr', 'grants the cluster pull access to a registry'],
  ['--public-access', 'changes public access'],
  ['--allow-blob-public-access', 'changes public blob access'],
  ['--public-network-access', 'changes public network access'],
  ['--default-action', 'changes the default network rule'],
];

/** `az rest` calls an arbitrary URL with the user's token; the method and target decide. */
function restVerdict(args: ParsedArgs): Verdict {
  const method = (flagValues(args, '--method', '-m')[0] ?? 'get').toLowerCase();
  const urls = flagValues(args, '--url', '--uri', '-u');
  const own = urls.every((u) => /^(\/|https:\/\/management\.azure\.com\/|https:\/\/graph\.microsoft\.com\/)/i.test(u));
  if (hasFlag(args, '--resource') || !own) {
    return verdict('sensitive', 'az rest with --resource or a non-Azure URL may send the access token elsewhere');
  }
  if (method === 'get' || method === 'head') return verdict('read', 'az rest GET reads from the Azure API');
  if (method === 'delete') return verdict('destructive', 'az rest DELETE deletes through the Azure API');
  return verdict('write', `az rest ${method.toUpperCase()} changes resources through the Azure API`);
}

function decide(path: readonly string[], args: ParsedArgs): Verdict {
  if (pathMatches('rest', path)) return restVerdict(args);
  const key = path.join(' ');
  let v: Verdict | undefined = matchPathRule(CLI, path, PATHS);
  const leaf = path[path.length - 1]!;
  const parent = path[path.length - 2];
  // Key Vault keys are key objects (public parts only), not access keys.
  if (!v && parent && KEY_GROUPS.has(parent) && path[0] !== 'keyvault' && /^(list|show|renew|regenerate|create)$/.test(leaf)) {
    v = verdict('sensitive', `az ${key} prints access keys`);
  }
  v ??= fromTable(CLI, VERBS, path);
  v = inAccessArea(v, CLI, path, ACCESS_AREAS);
  if (v.class === 'write' && /permission|policy|acl/.test(leaf) && leaf.startsWith('set')) {
    v = verdict('destructive', `az ${key} changes access control`);
  }
  if (v.class === 'write') {
    for (const [flag, what] of ACCESS_FLAGS) {
      if (hasFlag(args, flag)) {
        v = verdict('destructive', `az ${key} ${flag} ${what}`);
        break;
      }
    }
  }
  if (path[0] === 'deployment' && leaf === 'create' && flagValues(args, '--mode').some((m) => /^complete$/i.test(m))) {
    v = escalate(v, 'destructive', 'az deployment --mode Complete deletes resources not in the template');
  }
  if (pathMatches('storage blob sync', path) && !flagValues(args, '--delete-destination').some((x) => /^false$/i.test(x))) {
    v = escalate(v, 'destructive', 'az storage blob sync deletes extra destination blobs unless --delete-destination false');
  }
  if (pathMatches('containerapp secret list', path) && hasFlag(args, '--show-values')) {
    v = escalate(v, 'sensitive', 'az containerapp secret list --show-values prints secret values');
  }
  if (pathMatches('acr login', path) || hasFlag(args, '--expose-token')) {
    v = escalate(v, 'sensitive', 'az acr login obtains a registry token');
  }
  return v;
}

export const az: Grammar = {
  cli: CLI,
  argTable: () => ARG_FLAGS,
  classify(args) {
    const walk = walkTree(args, TREE, { flags: () => GLOBAL_FLAGS });
    const help = helpVerdict(CLI, args, ARG_FLAGS, ['-h', '--help']);
    if (help) return outcome(help, walk.path);
    if (walk.kind === 'group' && walk.path.length === 0 && walk.before.some((f) => f.names.includes('--version'))) {
      return outcome(verdict('read', 'az --version prints versions'), []);
    }
    const problem = walkProblem(CLI, walk, false);
    if (problem || walk.kind !== 'command') return outcome(problem ?? verdict('unknown', 'az: no command'), walk.path);
    return outcome(decide(walk.path, commandArgs(walk, ARG_FLAGS)), walk.path);
  },
};
