/**
 * Argument rules for gcloud (SDK 528; the flag names come from its static completion tree). See
 * ./rules.ts for how they combine.
 */
import type { ArgRules, Hit, Scan } from './rules.ts';
import { ANYWHERE, CLOUD_URL, EVERYONE, FILE_URL, LOCAL, ZERO } from './rules.ts';

/**
 * Flags that take a local file or directory (or `-`, standard input). Their names end in `-file`,
 * `-files`, `-from-file`, or are one of the few path flags below; the exceptions are not paths.
 */
const FILE_FLAG = /^--(.+-)?(file|files|from-file)$/;
const NOT_FILE = new Set(['--file-format', '--force-key-file-overwrite', '--read-paths-from-stdin', '--file-share', '--file-name']);
const PATH_FLAGS = [
  '--package-path', '--pvk-path', '--jwk-json-path', '--idp-metadata-path', '--cert-path', '--output-path', '--output-directory',
  '--json-key', '--dockerfile-dir', '--custom-gpu-driver-path', '--trust-store-config-path', '--ignore-file',
  '--auth-provider-cmd-path', '--credential-cert-path', '--credential-cert-private-key-path', '--credential-cert-trust-chain-path',
  '--image-repository-cert-path', '--input-iam-policy-dir', '--output-iam-policy-dir', '--local-data', '--local-filename',
  '--local-package-path', '--local-source', '--go-binary-path',
];
/** An output file flag: `-` (standard output) is fine there. */
const OUTPUT_FLAGS = new Set(['--plaintext-file', '--signature-file', '--output-file', '--ciphertext-file-out']);

function localFileFlag(scan: Scan): Hit | null {
  for (let i = 0; i < scan.before.length; i++) {
    const t = scan.before[i]!;
    if (!t.startsWith('--')) continue;
    const eq = t.indexOf('=');
    const name = eq >= 0 ? t.slice(0, eq) : t;
    if (NOT_FILE.has(name) || !(FILE_FLAG.test(name) || PATH_FLAGS.includes(name))) continue;
    const value = eq >= 0 ? t.slice(eq + 1) : scan.before[i + 1];
    if (value === undefined) return { flag: name, value: '' };
    if (CLOUD_URL.test(value)) continue;
    if (value === '-' && OUTPUT_FLAGS.has(name)) continue;
    return { flag: name, value };
  }
  return null;
}

/** `gcloud storage cp/mv/rsync`: every path must be a cloud URL (`-` is standard output as the last). */
function localStoragePath(scan: Scan): Hit | null {
  const ops = scan.operands;
  for (let i = 0; i < ops.length; i++) {
    const o = ops[i]!;
    if (CLOUD_URL.test(o)) continue;
    if (scan.path[1] === 'cp' && o === '-' && i === ops.length - 1 && i > 0) continue;
    return { value: o };
  }
  return null;
}

/** The policy file of set-iam-policy is its last operand. */
function lastOperandLocal(scan: Scan): Hit | null {
  const last = scan.operands[scan.operands.length - 1];
  return last !== undefined && scan.operands.length >= 2 && !CLOUD_URL.test(last) ? { value: last } : null;
}

/** Comma-separated file lists of Dataproc jobs: every entry must be in the cloud (or on the cluster). */
function localListFlag(scan: Scan): Hit | null {
  for (const name of ['--jars', '--files', '--py-files', '--archives', '--jar', '--properties-file']) {
    for (let i = 0; i < scan.before.length; i++) {
      const t = scan.before[i]!;
      const value = t === name ? scan.before[i + 1] : t.startsWith(`${name}=`) ? t.slice(name.length + 1) : undefined;
      const local = value?.split(',').find((v) => !/^(gs|https?|hdfs|file:\/\/\/usr\/lib):/i.test(v));
      if (local !== undefined) return { flag: name, value: local };
    }
  }
  return null;
}

/** Verbs (any depth) whose `--source` is a local file or directory unless it is a URL. */
const SOURCE_PATHS = ['** import', '** import-rules', '** update-from-file', '** upload', '** load', '** load-vex', 'run deploy', 'run jobs deploy', 'functions deploy', 'workflows deploy', 'deploy releases create', 'url-maps validate', 'compute url-maps validate', 'composer environments storage * import'];

/** Interactive or SDK-changing commands. */
const INTERACTIVE = ['init', 'interactive', 'feedback', 'survey', 'components **', 'auth login', 'auth application-default login', 'docker'];

const SSH_LIKE = [
  'compute ssh', 'compute scp', 'compute copy-files', 'compute start-iap-tunnel', 'compute connect-to-serial-port',
  'compute config-ssh', 'compute tpus tpu-vm ssh', 'compute tpus tpu-vm scp', 'compute tpus queued-resources ssh',
  'compute tpus queued-resources scp', 'cloud-shell **', 'workstations ssh', 'workstations start-tcp-tunnel', 'app instances ssh',
  'app instances scp', 'sql connect', 'alloydb instances connect', 'source repos clone', 'emulators **', 'code **',
  'ai custom-jobs local-run', '** local **', 'anthos auth login', 'anthos create-login-config',
];

export const gcloudArgs: ArgRules = {
  flags: {
    value: [
      '--num-nodes', '--size', '--max-instances', '--max-nodes', '--total-max-nodes', '--num-workers', '--max-num-replicas',
      '--scaling', '--authorized-networks', '--master-authorized-networks', '--source-ranges', '--predefined-acl',
      '--canned-acl', '--ingress', '--ingress-settings', '--activation-policy', '--soft-delete-duration', '--source',
      '--config', '--template', '--content-type', '--cache-control', '--storage-class', '--custom-metadata',
      '--member', '--role', '--members', '--exclude', '--include', '--cluster', '--class', '--jars', '--jar', '--files',
      '--py-files', '--archives', '--properties', '--batch', '--image', '--runtime', '--trigger-topic', '--entry-point',
    ],
    bool: [
      '--dry-run', '--validate-only', '--allow-unauthenticated', '--no-allow-unauthenticated', '--auto-ack',
      '--no-deletion-protection', '--deletion-protection', '--recursive', '-r', '--no-clobber', '-n', '--no-source',
      '--disabled', '--no-versioning', '--clear-soft-delete', '--assign-ip', '--no-backup', '--show-password',
      '--delete-unmatched-destination-objects', '--checksums-only', '--no-ignore-symlinks', '--skip-unsupported', '--quiet',
    ],
  },
  rules: [
    // --- refused: local programs, sessions and ports
    { id: 'gcloud.local-execution', effect: 'refuse', on: SSH_LIKE, reason: '{command} runs a local program, opens a local port or session, or changes local files; it is refused' },
    { id: 'gcloud.interactive', effect: 'refuse', on: INTERACTIVE, reason: '{command} is interactive or changes the local SDK; it is refused' },
    { id: 'gcloud.prompt-flag', effect: 'refuse', match: { flag: ['--prompt-for-password', '--prompt-for-pvk-password', '--sqlserver-prompt-for-password', '--postgresql-prompt-for-password', '--mysql-prompt-for-password', '--oracle-prompt-for-password', '--mongodb-prompt-for-password', '--salesforce-prompt-for-password', '--read-paths-from-stdin', '--stdin'] }, reason: 'gcloud {flag} waits for input on the terminal; give the value another way' },
    // --- refused: local files and directories
    { id: 'gcloud.file-flag', effect: 'refuse', match: { test: localFileFlag }, reason: "gcloud {flag} would read or write the local path '{value}'; only cloud URLs (gs://, https://) are allowed there" },
    { id: 'gcloud.file-url', effect: 'refuse', match: { arg: FILE_URL }, reason: 'reads the local file {value}' },
    { id: 'gcloud.storage-local-path', effect: 'refuse', on: ['storage cp', 'storage mv', 'storage rsync'], match: { test: localStoragePath }, reason: "gcloud storage would read or write the local path '{value}'; only gs:// and other cloud URLs are allowed" },
    { id: 'gcloud.source-local', effect: 'refuse', on: SOURCE_PATHS, match: { flag: ['--source'], value: LOCAL }, reason: "gcloud {flag} {value} reads a local file or directory; give a gs:// or https:// source" },
    { id: 'gcloud.source-default', effect: 'refuse', on: ['functions deploy'], match: { not: { flag: ['--source'] } }, reason: 'without --source this deploys the local working directory; give --source with a gs:// or repository URL' },
    { id: 'gcloud.run-source-default', effect: 'refuse', on: ['run deploy', 'run jobs deploy'], match: { not: { any: [{ flag: ['--source'] }, { flag: ['--image'] }] } }, reason: 'without --image this deploys the local working directory; give --image (or a gs:// --source)' },
    { id: 'gcloud.app-deploy', effect: 'refuse', on: ['app deploy', 'run services replace', 'run jobs replace', 'endpoints services deploy', 'dns record-sets import', 'dns record-sets transaction **', 'iam service-accounts keys upload'], reason: '{command} reads local files; it is refused' },
    { id: 'gcloud.builds-source', effect: 'refuse', on: ['builds submit'], match: { all: [{ not: { flag: ['--no-source'] } }, { not: { operand: CLOUD_URL, at: 0 } }] }, reason: 'gcloud builds submit uploads a local directory unless the source is a gs:// URL or --no-source is given' },
    { id: 'gcloud.certificate-file', effect: 'refuse', on: ['app ssl-certificates create', 'app ssl-certificates update', 'compute ssl-certificates create'], match: { flag: ['--certificate', '--private-key'] }, reason: 'gcloud {flag} reads a local certificate or key file' },
    { id: 'gcloud.ssh-key-file', effect: 'refuse', on: ['compute os-login ssh-keys add', 'compute os-login ssh-keys update', 'bms ssh-keys add'], match: { flag: ['--key-file'] }, reason: 'gcloud {flag} reads a local key file' },
    { id: 'gcloud.config-file', effect: 'refuse', on: ['builds submit', 'deployment-manager **'], match: { flag: ['--config', '--template'], value: LOCAL }, reason: "gcloud {flag} {value} reads a local file" },
    { id: 'gcloud.policy-file', effect: 'refuse', on: ['** set-iam-policy', '** set-policy'], match: { test: lastOperandLocal }, reason: "reads the policy from the local file '{value}'" },
    { id: 'gcloud.key-output', effect: 'refuse', on: ['iam service-accounts keys create', 'iam workload-identity-pools create-cred-config', 'iam workforce-pools create-cred-config'], match: { operand: /^(?!-$)/, at: 0 }, reason: "writes a credential to the local file '{value}'; use - to print it" },
    { id: 'gcloud.dataproc-local', effect: 'refuse', on: ['dataproc jobs submit **', 'dataproc batches submit **'], match: { any: [{ all: [{ operand: LOCAL, at: 0 }, { test: (s) => (/^(pyspark|spark-r)$/.test(s.path[s.path.length - 1] ?? '') ? {} : null) }] }, { test: localListFlag }] }, reason: "uploads the local file '{value}'; give gs:// URIs" },
    // --- refused: endpoint, credential and configuration overrides
    { id: 'gcloud.config-change', effect: 'refuse', on: ['config set', 'config unset', 'config configurations create', 'config configurations activate', 'config configurations delete', 'config configurations rename', 'config virtualenv **'], reason: 'gcloud config changes the CLI configuration (endpoints, credentials, defaults); configuration commands are refused' },
    { id: 'gcloud.auth-change', effect: 'refuse', on: ['auth activate-service-account', 'auth revoke', 'auth configure-docker', 'auth application-default revoke', 'auth application-default set-quota-project', 'auth enterprise-certificate-config **', 'auth login'], reason: '{command} stores, replaces or removes CLI credentials; it is refused' },
    { id: 'gcloud.credential-flag', effect: 'refuse', match: { flag: ['--configuration', '--flags-file', '--impersonate-service-account', '--access-token-file', '--credential-file-override', '--api-endpoint', '--cred-file'] }, reason: 'gcloud {flag} overrides the configuration, credentials or flags of the run; it is refused' },

    // --- raised: scale to zero, stop serving
    { id: 'gcloud.scale-to-zero', effect: 'destructive', match: { flag: ['--num-nodes', '--size', '--max-instances', '--max-nodes', '--total-max-nodes', '--num-workers', '--max-num-replicas', '--scaling', '--replicas', '--nodes', '--processing-units', '--node-count'], value: ZERO }, reason: 'gcloud {flag}={value} scales to zero: it stops serving' },
    { id: 'gcloud.activation-never', effect: 'destructive', match: { flag: ['--activation-policy'], value: /^never$/i }, reason: 'gcloud {flag}={value} stops the database instance' },
    // --- raised: public exposure
    { id: 'gcloud.allow-unauthenticated', effect: 'destructive', match: { flag: ['--allow-unauthenticated'] }, reason: 'gcloud {flag} lets anyone on the internet invoke the service' },
    { id: 'gcloud.open-to-world', effect: 'destructive', match: { all: [{ flag: ['--authorized-networks', '--master-authorized-networks', '--source-ranges', '--authorized-external-networks', '--allowed-ip-ranges', '--ip-range', '--range'] }, { arg: ANYWHERE }] }, reason: 'opens access from the whole internet (0.0.0.0/0 or ::/0)' },
    { id: 'gcloud.everyone', effect: 'destructive', match: { flag: ['--member', '--members', '--add-members'], value: EVERYONE }, reason: 'grants access to everyone ({value})' },
    { id: 'gcloud.public-acl', effect: 'destructive', match: { flag: ['--predefined-acl', '--canned-acl', '--predefined-default-object-acl', '--default-object-acl'], value: /^public/i }, reason: 'gcloud {flag}={value} makes objects public' },
    { id: 'gcloud.public-ingress', effect: 'destructive', match: { any: [{ flag: ['--ingress'], value: /^all$/i }, { flag: ['--ingress-settings'], value: /^all$/i }, { flag: ['--no-public-access-prevention', '--no-uniform-bucket-level-access', '--assign-ip', '--no-enable-private-nodes', '--no-enable-private-endpoint'] }, { flag: ['--public-access-prevention'], value: /^(inherited|unspecified)$/i }] }, reason: 'gcloud {flag} exposes the resource publicly' },
    // --- raised: credential resets
    { id: 'gcloud.password-reset', effect: 'destructive', on: ['** update', '** patch', '** set-*', '** reset-*', '** rotate*'], match: { flag: ['--password', '--root-password', '--admin-password', '--new-password', '--pvk-password'] }, reason: 'gcloud {flag} replaces a password' },
    { id: 'gcloud.credential-reset-op', effect: 'destructive', on: ['** reset-*password*', '** reset-*token*', '** reset-*credential*', '** rotate-*key*', '** reset-admin-*'], reason: '{command} resets a credential' },
    // --- raised: disabling, detaching and removing protection
    { id: 'gcloud.disable', effect: 'destructive', on: ['** disable', '** disable-*', '** detach-disk', '** detach-*'], reason: '{command} disables or detaches: what depended on it stops working' },
    { id: 'gcloud.protection-off', effect: 'destructive', match: { any: [{ flag: ['--no-deletion-protection', '--no-enable-drop-protection', '--no-backup', '--no-versioning', '--clear-soft-delete', '--clear-retention-period', '--disabled', '--no-enable-point-in-time-recovery', '--no-enable-bin-log', '--no-retain-backups-on-delete'] }, { flag: ['--deletion-protection', '--soft-delete-duration'], value: /^(false|0+[a-z]?)$/i }] }, reason: 'gcloud {flag} removes a protection (deletion protection, backups, versioning, soft delete or logging)' },
    { id: 'gcloud.no-enable', effect: 'destructive', match: { test: (s) => { const f = s.flags.find((x) => /^--no-enable-/.test(x.written)); return f ? { flag: f.written } : null; } }, reason: 'gcloud {flag} turns off a feature' },
    // --- raised: data-losing payloads
    { id: 'gcloud.auto-ack', effect: 'destructive', on: ['pubsub subscriptions pull', 'pubsub lite-subscriptions pull'], match: { flag: ['--auto-ack'] }, reason: 'gcloud {flag} acknowledges the pulled messages: they are gone from the subscription' },
    { id: 'gcloud.seek', effect: 'destructive', on: ['pubsub subscriptions seek'], match: { flag: ['--time'] }, reason: 'seeking to a time acknowledges every message before it' },
    // --- raised: reads that return secrets
    { id: 'gcloud.function-environment', effect: 'sensitive', on: ['functions describe', 'run services describe', 'run jobs describe', 'run revisions describe'], reason: '{command} returns the environment variables of the service, which commonly hold secrets' },
    { id: 'gcloud.show-password', effect: 'sensitive', match: { flag: ['--show-password', '--show-secret', '--reveal'] }, reason: 'gcloud {flag} prints a password or secret' },

    // --- lowered: explicit dry runs (where the dry run changes nothing)
    { id: 'gcloud.dry-run', effect: 'dry-run', on: ['storage rsync', 'run services replace', 'storage buckets relocate', 'artifacts settings enable-upgrade-redirection'], match: { flag: ['--dry-run'] }, reason: 'gcloud {flag} only shows what would change' },
    { id: 'gcloud.validate-only', effect: 'dry-run', match: { flag: ['--validate-only'] }, reason: 'gcloud {flag} validates the request without making the change' },
  ],
};
