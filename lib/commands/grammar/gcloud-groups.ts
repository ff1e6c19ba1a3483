/**
 * Every command group of the GA gcloud tree (Google Cloud SDK 528.0.0), generated from the SDK's
 * static completion tree (data/cli/gcloud_completions.py): groups only, commands omitted, because
 * the classifier needs to know exactly where the group path ends and the verb begins. A group
 * missing here makes its commands `unknown`, never misread. Regenerate when the SDK grows.
 */
export const GCLOUD_GROUPS = `
access-approval(requests service-account settings)
access-context-manager(authorized-orgs cloud-bindings levels(conditions) perimeters(dry-run)
policies supported-services)
active-directory(domains(backups trusts) operations peerings)
ai(custom-jobs endpoints hp-tuning-jobs index-endpoints indexes model-garden(models)
model-monitoring-jobs models operations persistent-resources tensorboards)
ai-platform(jobs(submit) local models operations versions)
alloydb(backups clusters instances operations users)
anthos(auth config(controller operations))
api-gateway(api-configs apis gateways operations)
apigee(apis applications deployments developers environments organizations products)
app(domain-mappings firewall-rules instances logs operations regions runtimes services
ssl-certificates versions)
apphub(applications(services workloads) discovered-services discovered-workloads locations
operations service-projects)
artifacts(apt attachments docker(images tags upgrade) files generic go locations operations
packages print-settings repositories rules sbom settings tags versions vpcsc-config vulnerabilities
yum)
asset(feeds operations saved-queries)
assured(operations workloads(violations))
audit-manager(audit-reports audit-scopes enrollments operations)
auth(application-default enterprise-certificate-config(create))
backup-dr(backup-plan-associations backup-plans backup-vaults backups(restore) data-sources
locations management-servers operations)
batch(jobs tasks)
bigtable(app-profiles authorized-views backups clusters hot-tablets instances(tables) logical-views
materialized-views operations tables)
billing(accounts budgets projects)
bms(instances networks nfs-shares operations os-images ssh-keys volumes(luns snapshots))
bq(migration-workflows)
builds(connections(create update) repositories triggers(create update) worker-pools)
certificate-manager(certificates dns-authorizations issuance-configs maps(entries) operations
trust-configs)
cloud-shell
colab(executions runtime-templates runtimes schedules)
components(repositories)
composer(environments(snapshots storage(dags data plugins) user-workloads-config-maps
user-workloads-secrets) operations)
compute(accelerator-types addresses backend-buckets backend-services commitments diagnose
disk-types disks(bulk) external-vpn-gateways firewall-policies(associations rules) firewall-rules
forwarding-rules health-checks(create update) http-health-checks https-health-checks images
instance-groups(managed(all-instances-config instance-configs resize-requests rolling-action)
unmanaged) instance-templates instances(bulk network-interfaces ops-agents(policies) os-inventory)
instant-snapshots interconnects(attachments(dedicated groups partner) groups locations macsec
remote-locations) machine-images machine-types network-attachments network-edge-security-services
network-endpoint-groups network-firewall-policies(associations mirroring-rules rules)
network-profiles networks(peerings subnets vpc-access(connectors locations operations)) operations
os-config(inventories os-policy-assignment-reports os-policy-assignments(operations)
patch-deployments patch-jobs policy-orchestrators project-feature-settings vulnerability-reports)
os-login(ssh-keys) packet-mirrorings project-info project-zonal-metadata public-advertised-prefixes
public-delegated-prefixes(delegated-sub-prefixes) regions reservations(blocks sub-blocks)
resource-policies(create update) routers(nats(rules)) routes security-policies(rules)
service-attachments shared-vpc(associated-projects organizations) snapshot-settings snapshots
sole-tenancy(node-groups node-templates node-types) ssl-certificates ssl-policies
storage-pool-types storage-pools target-grpc-proxies target-http-proxies target-https-proxies
target-instances target-pools target-ssl-proxies target-tcp-proxies target-vpn-gateways
tpus(accelerator-types execution-groups locations queued-resources topologies
tpu-vm(accelerator-types service-identity versions) versions) url-maps vpn-gateways vpn-tunnels
zones)
config(configurations)
container(attached(clusters operations) aws(clusters node-pools operations) azure(clients clusters
node-pools operations) bare-metal(admin-clusters clusters node-pools operations)
binauthz(attestations attestors(public-keys) policy) clusters fleet(cloudrun clusterupgrade
dataplane-v2-encryption features fleetobservability identity-service ingress memberships(bindings
support-access) mesh multi-cluster-services operations policycontroller(content(bundles templates)
deployment) rbacrolebindingactuation scopes(namespaces rbacrolebindings)) hub(cloudrun
clusterupgrade dataplane-v2-encryption features fleetobservability identity-service ingress
memberships(bindings support-access) mesh multi-cluster-services operations
policycontroller(content(bundles templates) deployment) rbacrolebindingactuation scopes(namespaces
rbacrolebindings)) images node-pools operations subnets vmware(admin-clusters clusters node-pools
operations))
data-catalog(entries entry-groups tag-templates(fields(enum-values)) tags taxonomies(policy-tags))
database-migration(connection-profiles(create) conversion-workspaces migration-jobs objects
operations private-connections)
dataflow(flex-template jobs snapshots yaml)
dataplex(aspect-types assets(actions) content datascans(create jobs update) encryption-config
entries entry-groups entry-types environments(sessions) glossaries(categories terms) lakes(actions)
metadata-jobs tasks(jobs) zones(actions))
dataproc(autoscaling-policies batches(submit) clusters(gke) jobs(submit) node-groups operations
workflow-templates(add-job))
datastore(indexes operations)
datastream(connection-profiles locations objects operations private-connections routes streams)
deploy(automation-runs automations custom-target-types delivery-pipelines deploy-policies job-runs
releases rollouts targets)
deployment-manager(deployments manifests operations resources types)
developer-connect(connections(git-repository-links) insights-configs operations)
dns(dns-keys managed-zones operations policies project-info record-sets(changes transaction)
response-policies(rules))
domains(registrations(authorization-code configure google-domains-dns operations))
edge-cache(keysets operations origins services)
edge-cloud(container(clusters(node-pools) machines operations regions vpn-connections zones)
networking(interconnects(attachments(dedicated)) networks operations routers subnets zones))
emulators(firestore spanner)
endpoints(configs operations services)
essential-contacts
eventarc(audit-logs-provider(method-names service-names) channel-connections channels
google-channels locations providers triggers)
filestore(backups instances(snapshots) locations operations regions zones)
firebase(test(android(locales models versions) ios(locales models versions) network-profiles))
firestore(backups(schedules) databases fields(ttls) indexes(composite fields) locations operations)
functions(event-types logs regions runtimes)
gemini(code-repository-indexes(repository-groups) code-tools-settings(setting-bindings)
data-sharing-with-google-settings(setting-bindings)
gemini-gcp-enablement-settings(setting-bindings) logging-settings(setting-bindings) operations
release-channel-settings(setting-bindings))
healthcare(consent-stores datasets dicom-stores(export import) fhir-stores(export import)
hl7v2-stores(export import) operations)
iam(oauth-clients(credentials) policies policy-bindings principal-access-boundary-policies roles
service-accounts(keys) simulator workforce-pools(operations providers(keys(operations) operations)
subjects(operations)) workload-identity-pools(managed-identities(operations) namespaces(operations)
operations providers(keys(operations) operations)))
iap(oauth-brands oauth-clients settings tcp(dest-groups) web)
identity(groups(memberships))
ids(endpoints)
immersive-stream(xr(contents instances operations))
infra-manager(deployments previews resources revisions terraform-versions)
kms(autokey-config ekm-config ekm-connections import-jobs inventory key-handles keyrings
keys(versions) locations)
logging(buckets links locations logs metrics operations resource-descriptors scopes settings sinks
views)
looker(backups instances operations regions)
lustre(instances operations)
managed-kafka(acls clusters consumer-groups operations topics)
memcache(instances operations regions)
memorystore(backup-collections(backups) instances locations operations)
metastore(federations locations operations services(backups export import))
migration(vms(image-imports machine-image-imports target-projects))
ml(language speech(operations) video(operations) vision)
ml-engine(jobs(submit) local models operations versions)
model-armor(floorsettings templates)
monitoring(dashboards snoozes uptime)
netapp(active-directories backup-policies backup-vaults(backups) kms-configs locations operations
storage-pools volumes(quota-rules replications snapshots))
network-connectivity(hubs(groups route-tables(routes)) internal-ranges locations operations
policy-based-routes regional-endpoints service-connection-policies
spokes(linked-interconnect-attachments linked-producer-vpc-network linked-router-appliances
linked-vpc-network linked-vpn-tunnels))
network-management(connectivity-tests operations vpc-flow-logs-configs)
network-security(address-groups authorization-policies backend-authentication-configs
client-tls-policies firewall-endpoint-associations firewall-endpoints
gateway-security-policies(rules) intercept-deployment-groups intercept-deployments
intercept-endpoint-group-associations intercept-endpoint-groups mirroring-deployment-groups
mirroring-deployments mirroring-endpoint-group-associations mirroring-endpoint-groups
org-address-groups security-profile-groups security-profiles(custom-intercept custom-mirroring
threat-prevention) server-tls-policies tls-inspection-policies url-lists)
network-services(endpoint-policies gateways grpc-routes http-routes meshes operations route-views
service-bindings service-lb-policies tcp-routes tls-routes)
notebooks(environments instances locations runtimes)
observability(scopes)
oracle-database(autonomous-database-backups autonomous-database-character-sets autonomous-databases
autonomous-db-versions cloud-exadata-infrastructures(db-servers) cloud-vm-clusters(db-nodes)
db-system-shapes entitlements gi-versions operations)
org-policies
organizations
pam(entitlements grants operations)
parametermanager(parameters(versions))
policy-intelligence(troubleshoot-policy)
policy-troubleshoot
privateca(certificates locations pools roots subordinates templates)
projects
publicca(external-account-keys)
pubsub(lite-operations lite-reservations lite-subscriptions lite-topics message-transforms schemas
snapshots subscriptions topics)
recaptcha(firewall-policies keys)
recommender(insight-type-config insights recommendations recommender-config)
redis(clusters(backup-collections backups) instances operations regions zones)
resource-manager(folders org-policies tags(bindings holds keys values))
run(domain-mappings jobs(executions(tasks) logs) regions revisions services(logs))
scc(assets bqexports custom-modules(sha) findings iac-validation-reports manage(custom-modules(etd
sha) services) muteconfigs notifications operations posture-deployments posture-operations
posture-templates postures sources)
scheduler(jobs(create update) locations)
secrets(locations replication versions)
service-directory(endpoints locations namespaces services)
service-extensions(lb-route-extensions lb-traffic-extensions)
services(api-keys operations peered-dns-domains vpc-peerings(operations))
source(project-configs repos)
spanner(backup-schedules backups databases(ddl roles sessions splits) instance-configs
instance-partitions instances operations rows samples)
sql(backups databases export flags import instances operations ssl(client-certs server-ca-certs
server-certs) ssl-certs tiers users)
storage(batch-operations(jobs) buckets(anywhere-caches notifications) folders hmac
insights(inventory-reports(details)) managed-folders objects operations)
tasks(cmek-config locations queues)
telco-automation(operations orchestration-cluster)
topic
transcoder(jobs templates)
transfer(agent-pools agents jobs operations)
vmware(dns-bind-permission locations network-peerings(routes)
network-policies(external-access-rules) networks node-types operations
private-clouds(clusters(nodes) dns-forwarding external-addresses hcx(activationkeys)
logging-servers management-dns-zone-bindings nsx(credentials) subnets vcenter(credentials))
private-connections(routes))
workbench(instances)
workflows(executions)
workspace-add-ons(deployments)
workstations(clusters configs)
`;
