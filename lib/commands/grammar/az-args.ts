/** Argument rules for az (Azure CLI 2.x, argparse without abbreviations). See ./rules.ts. */
import type { ArgRules, Hit, Scan } from './rules.ts';
import { ANYWHERE, internalUrl, pathIs, ZERO } from './rules.ts';

/** A value that names a local file: az accepts a path for many JSON-or-file arguments. */
const PATHLIKE = /^(\.{0,2}\/|~)|\.(json|ya?ml|bicep|txt|sh|ps1|pem|crt|cer|pfx|key|pub|zip|csv)$/i;

/** Flags whose value is always a local file or directory. */
const FILE_FLAGS = [
  '--template-file', '--file', '-f', '--source', '-s', '--destination', '-d', '--src', '--src-path', '--path', '--local-path',
  '--certificate-file', '--cert-file', '--key-file', '--compose-file-path', '--yaml', '--parameters-file', '--zip',
  '--scripts-file', '--custom-data-file', '--settings-file', '--source-path',
];

/** Commands in which those flags take local paths (elsewhere -s, -d, --path... mean other things). */
const FILE_COMMANDS = [
  'storage blob upload', 'storage blob upload-batch', 'storage blob download', 'storage blob download-batch', 'storage blob sync',
  'storage file upload', 'storage file upload-batch', 'storage file download', 'storage file download-batch',
  'storage fs file upload', 'storage fs file download', 'storage copy', 'storage azcopy **', 'keyvault secret set',
  'keyvault secret download', 'keyvault certificate import', 'keyvault certificate download', 'keyvault key import',
  'keyvault key download', 'keyvault security-domain **', 'deployment **', 'deployment-scripts **', 'bicep **',
  'webapp deploy', 'functionapp deploy', 'webapp deployment source config-zip', 'functionapp deployment source config-zip', 'webapp config ssl upload',
  'containerapp compose **', 'containerapp up', 'containerapp create', 'containerapp update', 'aks get-credentials', 'acr build', 'acr run',
  'apim api import', 'network application-gateway ssl-cert create', 'network application-gateway root-cert create',
  'sshkey create', 'vm create', 'vmss create', 'vm run-command invoke', 'policy definition create', 'policy set-definition create',
  'role definition create', 'role definition update', 'ad app create', 'ad app update', 'ad sp create-for-rbac',
];

/** Long flags named after a file are local paths in every command group. */
const FILE_NAMED = /^--(.+-)?file(-path)?$/;

function localFileFlag(scan: Scan): Hit | null {
  const anywhere = !scan.path.length || !FILE_COMMANDS.some((p) => pathIs(p, scan.path));
  for (let i = 0; i < scan.before.length; i++) {
    const t = scan.before[i]!;
    if (!t.startsWith('-')) continue;
    const eq = t.indexOf('=');
    const name = eq >= 0 ? t.slice(0, eq) : t;
    if (anywhere ? !FILE_NAMED.test(name) : !FILE_FLAGS.includes(name) && !FILE_NAMED.test(name)) continue;
    const value = eq >= 0 ? t.slice(eq + 1) : (scan.before[i + 1] ?? '');
    if (/^https:\/\//i.test(value) && !internalUrl(value)) continue;
    // `az aks get-credentials -f -` prints the kubeconfig instead of writing it.
    if ((value === '-' || value === '/dev/stdout') && name !== '--source' && name !== '-s') continue;
    return { flag: name, value };
  }
  return null;
}

/** JSON-or-file values: a value that looks like a path is read from the local disk. */
const JSON_OR_FILE = [
  '--parameters', '-p', '--role-definition', '--rules', '--params', '--definition', '--required-resource-accesses',
  '--app-roles', '--optional-claims', '--ssh-key-values', '--ssh-key-value', '--custom-data', '--user-data', '--body', '-b',
  '--settings', '--protected-settings', '--policy', '--config-file', '--cloud-init',
];

function jsonOrFile(scan: Scan): Hit | null {
  for (let i = 0; i < scan.before.length; i++) {
    const t = scan.before[i]!;
    const eq = t.indexOf('=');
    const name = eq >= 0 ? t.slice(0, eq) : t;
    if (!JSON_OR_FILE.includes(name)) continue;
    // -p is --password in several command groups; it is read as a file only where it names parameters.
    if (name === '-p' && !scan.path.includes('deployment')) continue;
    const value = eq >= 0 ? t.slice(eq + 1) : scan.before[i + 1];
    if (value !== undefined && PATHLIKE.test(value) && !/^https:\/\//i.test(value)) return { flag: name, value };
  }
  return null;
}

/** `az rest`: the target URL, for internal hosts and key-listing actions. */
function restUrl(scan: Scan): string | undefined {
  for (let i = 0; i < scan.before.length; i++) {
    const t = scan.before[i]!;
    for (const f of ['--url', '--uri', '-u']) {
      if (t === f) return scan.before[i + 1];
      if (t.startsWith(`${f}=`)) return t.slice(f.length + 1);
    }
  }
  return undefined;
}

export const azArgs: ArgRules = {
  flags: {
    value: [
      '--node-count', '--new-capacity', '--max-replicas', '--max-count', '--instance-count', '--capacity', '--number-of-workers',
      '--replica-count', '--admin-password', '--password', '-p', '--https-only', '--action', '--body', '-b', '--container-name',
      '-c', '--account-name', '--pattern', '--file', '-f', '--source', '-s', '--destination', '-d', '--type',
      '--template-file', '--ssh-key-values', '--custom-data', '--enable-delete-retention', '--enable-versioning',
      '--enable-soft-delete', '--enable-purge-protection', '--enable-container-delete-retention', '--headers',
    ],
    bool: ['--dryrun', '--generate-ssh-keys', '--show-values', '--expose-token', '--yes', '-y'],
  },
  rules: [
    // --- refused: local files
    { id: 'az.at-file', effect: 'refuse', match: { arg: /^@|=@/ }, reason: "az reads '{value}' from a local file (@file arguments are refused; give the value inline)" },
    { id: 'az.file-flag', effect: 'refuse', match: { test: localFileFlag }, reason: "az {flag} '{value}' reads or writes a local file or directory; give a URL or the value inline" },
    { id: 'az.json-or-file', effect: 'refuse', match: { test: jsonOrFile }, reason: "az {flag} '{value}' would be read from a local file; give the JSON or key inline" },
    { id: 'az.generate-ssh-keys', effect: 'refuse', match: { flag: ['--generate-ssh-keys'] }, reason: 'az --generate-ssh-keys writes a key pair to local files that the run discards; give --ssh-key-values with a public key' },
    { id: 'az.local-source', effect: 'refuse', on: ['webapp up', 'acr build'], match: { not: { operand: /^https:\/\// } }, reason: '{command} uploads a local directory; it is refused' },
    // --- refused: local programs, ports and sessions
    { id: 'az.local-program', effect: 'refuse', on: ['ssh **', 'network bastion ssh', 'network bastion tunnel', 'network bastion rdp', 'serial-console **', 'webapp ssh', 'webapp create-remote-connection', 'containerapp exec', 'containerapp up', 'aks browse', 'aks install-cli', 'aks kanalyze', 'vm ssh', 'storage copy', 'storage azcopy **', 'postgres flexible-server connect', 'mysql flexible-server connect', 'postgres flexible-server execute', 'mysql flexible-server execute', 'spring app connect', 'bicep install', 'bicep upgrade', 'bicep uninstall', 'upgrade', 'extension **', 'interactive', 'init', 'feedback', 'survey', 'login', 'logout', 'configure', 'cloud register', 'cloud update', 'cloud set', 'cloud unregister', 'config set', 'config unset', 'config param-persist **', 'account clear'], reason: '{command} runs a local program, opens a local port or session, is interactive, or changes the CLI installation, its configuration or credentials; it is refused' },
    { id: 'az.acr-login', effect: 'refuse', on: ['acr login'], match: { not: { flag: ['--expose-token'] } }, reason: 'az acr login runs docker locally; use --expose-token to get the token' },
    { id: 'az.rest-internal', effect: 'refuse', on: ['rest'], match: { test: (s) => { const u = restUrl(s); return u !== undefined && internalUrl(u) ? { value: u } : null; } }, reason: 'az rest --url {value} targets this machine or an internal network' },

    // --- raised
    { id: 'az.scale-to-zero', effect: 'destructive', match: { flag: ['--node-count', '--new-capacity', '--max-replicas', '--max-count', '--instance-count', '--capacity', '--number-of-workers', '--replica-count'], value: ZERO }, reason: 'az {flag} {value} scales to zero: it stops serving' },
    { id: 'az.open-to-world', effect: 'destructive', on: ['** create', '** update', '** set', '** add', '** set-*'], match: { arg: ANYWHERE }, reason: 'opens access from the whole internet ({value})' },
    { id: 'az.open-to-world-star', effect: 'destructive', match: { flag: ['--source-address-prefixes', '--source-address-prefix', '--ip-address', '--start-ip-address'], value: /^(\*|Internet|Any|0\.0\.0\.0)$/i }, reason: 'az {flag} {value} opens access from anywhere' },
    { id: 'az.https-off', effect: 'destructive', match: { flag: ['--https-only'], value: /^(false|0|no)$/i }, reason: 'az --https-only {value} allows unencrypted access' },
    { id: 'az.password-reset', effect: 'destructive', on: ['** update', '** set', '** reset-*', '** reset'], match: { flag: ['--admin-password', '--password', '--windows-admin-password', '--new-password', '--root-password'] }, reason: 'az {flag} replaces a password' },
    { id: 'az.credential-reset-op', effect: 'destructive', on: ['** reset-credentials', '** reset-password', '** rotate', '** renew-*', 'aks rotate-certs'], reason: '{command} resets or rotates credentials' },
    { id: 'az.disable', effect: 'destructive', on: ['** disable', '** disable-*', '** detach', 'vm disk detach'], reason: '{command} disables or detaches: what depended on it stops working' },
    { id: 'az.protection-off', effect: 'destructive', match: { flag: ['--enable-delete-retention', '--enable-versioning', '--enable-soft-delete', '--enable-purge-protection', '--enable-container-delete-retention', '--enable-change-feed', '--enable-restore-policy', '--enable-deletion-protection', '--enable-backup', '--deletion-protection'], value: /^(false|0|no|disabled?)$/i }, reason: 'az {flag} {value} removes a protection against data loss' },
    { id: 'az.disable-flag', effect: 'destructive', on: ['** create', '** update', '** set', '** set-*'], match: { test: (s) => { const f = s.flags.find((x) => /^--disable-/.test(x.written) && !/^(false|0|no)$/i.test(x.attached ?? '')); return f ? { flag: f.written } : null; } }, reason: 'az {flag} turns off a feature' },
    { id: 'az.invoke-destructive-action', effect: 'destructive', on: ['resource invoke-action'], match: { flag: ['--action'], value: /delete|poweroff|power-off|deallocate|stop|restart|reimage|regenerate|revoke|remove|purge|failover|reset/i }, reason: 'az resource invoke-action {value} is a destructive action' },
    { id: 'az.rest-change', effect: 'destructive', on: ['rest'], match: { flag: ['--method', '-m'], value: /^(post|put|patch|delete)$/i }, reason: 'az rest {value} can perform any action on the resource' },
    { id: 'az.rest-keys', effect: 'sensitive', on: ['rest'], match: { test: (s) => { const m = restUrl(s)?.match(/\/(list\w*keys?|list\w*secrets?|list\w*credentials?|listConnectionStrings|regenerate\w*keys?|listAccountSas|listServiceSas|listKeyValue|getAccessToken|listUserCredential)(\?|\/?$)/i); return m ? { value: m[1] } : null; } }, reason: 'az rest …/{value} returns keys or credentials' },

    { id: 'az.dryrun', effect: 'dry-run', on: ['storage blob delete-batch', 'storage file delete-batch', 'storage blob download-batch', 'storage file download-batch', 'storage blob upload-batch', 'storage file upload-batch'], match: { flag: ['--dryrun'] }, reason: 'az {flag} only lists what would be changed' },
  ],
};
