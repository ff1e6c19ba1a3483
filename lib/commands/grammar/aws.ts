/**
 * aws: always `aws <service> <operation>`, so the path needs no tree; the operation name's
 * prefix decides, with explicit exceptions for operations that reveal credentials or change
 * access control.
 */
import type { CommandClass, ParsedArgs, Verdict, VerbTable } from '../engine.ts';
import { commandArgs, flagTable, flagValues, hasFlagOrAbbrev, parseArgs, verdict, walkTree } from '../engine.ts';
import type { Grammar } from './common.ts';
import { classifySql, escalate, fromTable, helpOnly, outcome, unknownVerb, walkProblem } from './common.ts';

const CLI = 'aws';

const GLOBAL_FLAGS = flagTable('gnu', {
  value: [
    '--endpoint-url', '--output', '--query', '--profile', '--region', '--color', '--ca-bundle',
    '--cli-read-timeout', '--cli-connect-timeout', '--cli-binary-format',
  ],
  bool: [
    '--debug', '--no-verify-ssl', '--no-paginate', '--version', '--no-sign-request', '--no-cli-pager',
    '--cli-auto-prompt', '--no-cli-auto-prompt',
  ],
});

/** After the operation: the global flags plus the operation flags whose values we inspect. */
const ARG_FLAGS = flagTable('gnu', { value: [...GLOBAL_FLAGS.value], bool: [...GLOBAL_FLAGS.bool] }, {
  value: [
    '--cli-input-json', '--cli-input-yaml', '--statement', '--statements', '--transact-statements', '--sql', '--sqls',
    '--query-string',
  ],
});

// Every unlisted root token is a service whose next token is the operation.
const SERVICE = { children: new Map() };
const ROOT = {
  children: new Map([['configure', { children: new Map(), hybrid: true }]]),
  any: SERVICE,
};

const VERBS: VerbTable = {
  exact: {
    wait: 'read', help: 'read', query: 'read', scan: 'read', tail: 'read', ls: 'read', encrypt: 'read',
    're-encrypt': 'read', verify: 'read', 'verify-mac': 'read', 'generate-random': 'read',
    'schedule-key-deletion': 'destructive', 'retire-grant': 'destructive', rb: 'destructive', rm: 'destructive',
    invoke: 'write', deploy: 'write', package: 'write', push: 'write', sync: 'write', mb: 'write', cp: 'write',
    mv: 'write', website: 'write', subscribe: 'write', unsubscribe: 'write', 'detect-stack-drift': 'write',
    'detect-stack-resource-drift': 'write', 'detect-stack-set-drift': 'write', login: 'sensitive',
    presign: 'sensitive', sign: 'sensitive', enable: 'write', disable: 'write', promote: 'write', logout: 'write', tag: 'write',
    untag: 'write', select: 'read',
  },
  prefixes: [
    ['describe-', 'read'], ['list-', 'read'], ['get-', 'read'], ['search-', 'read'], ['lookup-', 'read'],
    ['query-', 'read'], ['batch-get-', 'read'], ['head-', 'read'], ['check-', 'read'], ['validate-', 'read'],
    ['estimate-', 'read'], ['simulate-', 'read'], ['filter-', 'read'], ['select-', 'read'], ['is-', 'read'],
    ['count-', 'read'], ['decode-', 'read'], ['detect-', 'read'], ['calculate-', 'read'], ['translate-', 'read'],
    ['delete-', 'destructive'], ['terminate-', 'destructive'], ['remove-', 'destructive'], ['deregister-', 'destructive'],
    ['revoke-', 'destructive'], ['detach-', 'destructive'], ['purge-', 'destructive'], ['release-', 'destructive'],
    ['batch-delete-', 'destructive'], ['deprovision-', 'destructive'], ['dispose-', 'destructive'],
    ['evict-', 'destructive'], ['forget-', 'destructive'], ['unshare-', 'destructive'], ['empty-', 'destructive'],
    ['create-', 'write'], ['put-', 'write'], ['update-', 'write'], ['modify-', 'write'], ['start-', 'write'],
    ['stop-', 'write'], ['run-', 'write'], ['attach-', 'write'], ['tag-', 'write'], ['untag-', 'write'],
    ['associate-', 'write'], ['disassociate-', 'write'], ['register-', 'write'], ['import-', 'write'],
    ['export-', 'write'], ['copy-', 'write'], ['cancel-', 'write'], ['enable-', 'write'], ['disable-', 'write'],
    ['set-', 'write'], ['send-', 'write'], ['publish', 'write'], ['invoke-', 'write'], ['execute-', 'write'],
    ['reboot-', 'write'], ['restore-', 'write'], ['accept-', 'write'], ['reject-', 'write'], ['allocate-', 'write'],
    ['assign-', 'write'], ['unassign-', 'write'], ['apply-', 'write'], ['change-', 'write'], ['reset-', 'write'],
    ['rotate-', 'write'], ['upload-', 'write'], ['replace-', 'write'], ['resume-', 'write'], ['pause-', 'write'],
    ['submit-', 'write'], ['complete-', 'write'], ['activate-', 'write'], ['deactivate-', 'write'],
    ['confirm-', 'write'], ['post-', 'write'], ['notify-', 'write'], ['request-', 'write'], ['merge-', 'write'],
    ['failover-', 'write'], ['upgrade-', 'write'], ['retry-', 'write'], ['initiate-', 'write'],
    ['provision-', 'write'], ['rollback-', 'write'], ['configure-', 'write'], ['promote-', 'write'],
    ['move-', 'write'], ['transfer-', 'write'], ['respond-', 'write'], ['refresh-', 'write'],
    ['increase-', 'write'], ['decrease-', 'write'], ['renew-', 'write'], ['flush-', 'write'], ['record-', 'write'],
    ['suspend-', 'write'], ['prepare-', 'write'], ['signal-', 'write'], ['continue-', 'write'], ['lock-', 'write'],
    ['unlock-', 'write'], ['archive-', 'write'], ['unarchive-', 'write'], ['join-', 'write'], ['extend-', 'write'],
    ['install-', 'write'], ['batch-', 'write'], ['admin-', 'write'], ['generate-', 'write'], ['deploy-', 'write'],
    ['restart-', 'write'], ['reindex-', 'write'], ['rebuild-', 'write'], ['reload-', 'write'], ['resend-', 'write'],
    ['acknowledge-', 'write'], ['approve-', 'write'], ['issue-', 'write'], ['exchange-', 'write'],
    ['regenerate-', 'write'], ['assume-', 'sensitive'], ['sign-payload', 'sensitive'], ['sign-up', 'write'],
    ['retrieve', 'read'], ['evaluate-', 'read'], ['discover-', 'read'], ['search', 'read'], ['recognize-', 'read'],
    ['preview-', 'read'], ['predict', 'read'], ['infer-', 'read'], ['analyze', 'read'], ['suggest', 'read'],
    ['scan-', 'read'], ['reverse-', 'read'], ['render-', 'read'], ['geocode', 'read'], ['forecast', 'read'],
    ['compare-', 'read'], ['classify', 'read'], ['autocomplete', 'read'], ['converse', 'read'], ['chat', 'read'],
    ['purchase-', 'destructive'], ['add-', 'write'], ['test-', 'write'], ['verify-', 'write'], ['authorize-', 'write'],
    ['disconnect-', 'write'], ['deprecate-', 'write'], ['undeprecate-', 'write'], ['abort-', 'write'],
    ['switchover-', 'write'], ['resolve-', 'write'], ['poll-', 'write'], ['invite-', 'write'], ['dissociate-', 'write'],
    ['initialize-', 'write'], ['execute', 'write'], ['define-', 'write'], ['decline-', 'write'], ['close-', 'write'],
    ['subscribe-', 'write'], ['unsubscribe-', 'write'], ['report-', 'write'], ['replicate-', 'write'],
    ['redact-', 'write'], ['connect-', 'write'], ['claim-', 'write'], ['write-', 'write'], ['withdraw-', 'write'],
    ['unlink-', 'write'], ['transact-', 'write'], ['rename-', 'write'], ['override-', 'write'], ['optimize-', 'write'],
    ['opt-', 'write'], ['open-', 'write'], ['monitor-', 'write'], ['unmonitor-', 'write'],
    ['receive-', 'write'], ['decrypt', 'sensitive'], ['drain-', 'destructive'], ['share-', 'destructive'],
    ['clone-', 'write'], ['resize-', 'write'], ['synthesize-', 'read'], ['download-', 'read'], ['grant-', 'write'],
    ['launch-', 'write'], ['end-', 'write'], ['expire-', 'write'], ['index-', 'write'], ['build-', 'write'],
    ['invalidate-', 'write'], ['schedule-', 'write'],
  ],
};

/** `service operation` pairs whose output is a secret or a credential, or opens a session. */
const SENSITIVE_OPS = new Set([
  'secretsmanager get-secret-value', 'secretsmanager batch-get-secret-value',
  'kms decrypt', 'kms generate-data-key', 'kms generate-data-key-pair', 'kms generate-mac', 'kms sign',
  'kms derive-shared-secret',
  'acm export-certificate', 'iot create-keys-and-certificate',
  'ec2 get-password-data', 'ec2 create-key-pair', 'lightsail create-key-pair', 'lightsail download-default-key-pair',
  'lightsail get-instance-access-details', 'lightsail get-relational-database-master-user-password',
  'ecr get-login-password', 'ecr get-login', 'ecr get-authorization-token', 'ecr-public get-login-password',
  'ecr-public get-authorization-token', 'eks get-token', 'codeartifact get-authorization-token', 'codeartifact login',
  'sts get-session-token', 'sts get-federation-token', 'sts assume-role', 'sts assume-role-with-saml',
  'sts assume-role-with-web-identity', 'sts assume-root', 'sts get-web-identity-token', 'sts get-delegated-access-token',
  'rds generate-db-auth-token', 'redshift get-cluster-credentials', 'redshift get-cluster-credentials-with-iam',
  'redshift-serverless get-credentials', 'iam create-access-key', 'iam create-service-specific-credential',
  'iam reset-service-specific-credential', 'sso get-role-credentials', 'sso-oidc create-token',
  'sso-oidc create-token-with-iam', 'cognito-identity get-credentials-for-identity', 'cognito-identity get-open-id-token',
  'cognito-identity get-open-id-token-for-developer-identity', 'cognito-idp initiate-auth', 'cognito-idp admin-initiate-auth',
  'cognito-idp respond-to-auth-challenge', 'cognito-idp admin-respond-to-auth-challenge',
  'cognito-idp get-tokens-from-refresh-token', 'cognito-idp describe-user-pool-client',
  'storagegateway describe-chap-credentials', 'ssm start-session', 'ssm send-command', 'ecs execute-command',
  'ec2-instance-connect send-ssh-public-key', 'ec2-instance-connect send-serial-console-ssh-public-key',
  'route53domains retrieve-domain-auth-code', 'wafv2 get-decrypted-api-key', 'emr get-cluster-session-credentials',
  'lakeformation get-temporary-glue-table-credentials', 'lakeformation get-temporary-glue-partition-credentials',
  'lakeformation get-temporary-data-location-credentials', 's3 presign', 'configure get', 'configure export-credentials',
  'pca-connector-scep get-challenge-password', 'datazone get-environment-credentials',
  'finspace-data get-programmatic-access-credentials', 'gamelift request-upload-credentials',
  'gamelift get-compute-auth-token', 'mwaa create-cli-token', 'mwaa create-web-login-token',
]);

/** Output looks like a credential whatever the service (`get-…-credentials`, `create-…-token`). */
const SENSITIVE_OP_PATTERN =
  /^(get|create|generate|request|retrieve|issue|exchange|regenerate|download|batch-get|rotate)-(.*-)?(credentials?|tokens?|passwords?|secret-value|auth-code|presigned|signed-url|key-pairs?|access-keys?|api-keys?|connection-strings?)(-|$)/;

/** A credential word followed by one of these names metadata about credentials, not a credential. */
const METADATA_SUFFIX =
  /-(policy|report|status|metadata|last-used|info|balance|balances|provider|providers|configuration|settings|count|statistics|issuer|issuers|names)$/;

/** Pattern matches that are metadata, not credentials. */
const NOT_SENSITIVE = new Set([
  'sts get-access-key-info', 'iam get-access-key-last-used', 'waf get-change-token', 'waf-regional get-change-token',
  'secretsmanager get-random-password', 'lightsail get-key-pair', 'lightsail get-key-pairs',
  'kms generate-data-key-pair-without-plaintext', 'kms generate-data-key-without-plaintext',
  // Values only with --include-value(s); FLAG_SENSITIVE handles that.
  'apigateway get-api-key', 'apigateway get-api-keys',
]);

/** Services in which every change is an identity or access-control change. */
const ACCESS_SERVICES = new Set(['iam', 'sso-admin', 'identitystore', 'ram', 'organizations', 'lakeformation', 'verifiedpermissions']);

const ACCESS_OP = /(^|-)(policy|policies|permission|permissions|acl|acls|grant|grants|authorization|authorizations)(-|$)|^authorize-|^(modify|reset)-(image|snapshot|db-snapshot|db-cluster-snapshot|fpga-image)-attribute$|public-access-block|^put-bucket-ownership-controls$/;

/** Operations whose effect can expire or delete data later. */
const EXPIRING_OP = /^put-bucket-lifecycle(-configuration)?$|^put-lifecycle-/;

/** Operations that run SQL given in a flag; the statement decides. */
const SQL_OPS: Record<string, readonly string[]> = {
  'dynamodb execute-statement': ['--statement'],
  'dynamodb batch-execute-statement': ['--statements'],
  'dynamodb execute-transaction': ['--transact-statements'],
  'rds-data execute-statement': ['--sql'],
  'rds-data batch-execute-statement': ['--sql'],
  'redshift-data execute-statement': ['--sql'],
  'redshift-data batch-execute-statement': ['--sqls'],
  'athena start-query-execution': ['--query-string'],
};

/** Operations that reveal secrets only when a flag asks for it. */
const FLAG_SENSITIVE: ReadonlyArray<readonly [op: string, flags: readonly string[], reason: string]> = [
  ['ssm get-parameter', ['--with-decryption'], 'decrypts SecureString parameters'],
  ['ssm get-parameters', ['--with-decryption'], 'decrypts SecureString parameters'],
  ['ssm get-parameters-by-path', ['--with-decryption'], 'decrypts SecureString parameters'],
  ['ssm get-parameter-history', ['--with-decryption'], 'decrypts SecureString parameters'],
  ['apigateway get-api-key', ['--include-value'], 'prints the API key value'],
  ['apigateway get-api-keys', ['--include-values'], 'prints API key values'],
];

/** Operations that reveal secrets unless a flag says not to. */
const FLAG_HIDES: ReadonlyArray<readonly [op: string, flag: string, reason: string]> = [
  ['glue get-connection', '--hide-password', 'returns the connection password unless --hide-password is given'],
  ['glue get-connections', '--hide-password', 'returns connection passwords unless --hide-password is given'],
];

const CONFIGURE: Record<string, readonly [CommandClass, string]> = {
  list: ['read', 'shows masked configuration'],
  'list-profiles': ['read', 'lists profile names'],
  get: ['sensitive', 'can print stored secret keys'],
  'export-credentials': ['sensitive', 'prints credentials'],
  set: ['write', 'changes the temporary configuration'],
  'add-model': ['write', 'changes the temporary configuration'],
  import: ['write', 'changes the temporary configuration'],
  sso: ['write', 'changes the temporary configuration'],
  'sso-session': ['write', 'changes the temporary configuration'],
};

function decide(service: string, op: string, args: ParsedArgs): Verdict {
  const key = `${service} ${op}`;
  const path = [service, op];
  if (service === 'configure') {
    const c = CONFIGURE[op];
    return c ? verdict(c[0], `aws configure ${op} ${c[1]}`) : unknownVerb(CLI, ['configure', op]);
  }
  let v = fromTable(CLI, VERBS, path);
  if (SENSITIVE_OPS.has(key) || (SENSITIVE_OP_PATTERN.test(op) && !METADATA_SUFFIX.test(op) && !NOT_SENSITIVE.has(key))) {
    return verdict('sensitive', `aws ${key} returns secrets, credentials or a session`);
  }
  if (v.class === 'write' && (ACCESS_SERVICES.has(service) || ACCESS_OP.test(op))) {
    v = verdict('destructive', `aws ${key} changes access control`);
  }
  if (v.class === 'write' && EXPIRING_OP.test(op)) {
    v = verdict('destructive', `aws ${key} sets rules that expire (delete) data`);
  }
  if (service === 's3' && op === 'sync' && hasFlagOrAbbrev(args, '--delete')) {
    v = escalate(v, 'destructive', 'aws s3 sync --delete deletes destination files');
  }
  const opaque = hasFlagOrAbbrev(args, '--cli-input-json', '--cli-input-yaml');
  for (const [fop, flags, reason] of FLAG_SENSITIVE) {
    if (fop === key && (hasFlagOrAbbrev(args, ...flags) || opaque)) {
      v = escalate(v, 'sensitive', `aws ${key} ${opaque && !hasFlagOrAbbrev(args, ...flags) ? 'takes input from --cli-input-*, which may ask to reveal secrets' : reason}`);
    }
  }
  for (const [fop, flag, reason] of FLAG_HIDES) {
    if (fop === key && (!hasFlagOrAbbrev(args, flag) || opaque)) v = escalate(v, 'sensitive', `aws ${key} ${reason}`);
  }
  const sqlFlags = SQL_OPS[key];
  if (sqlFlags) {
    const stmts = flagValues(args, ...sqlFlags);
    if (stmts.length === 0 || opaque) v = escalate(v, 'unknown', `aws ${key}: the statement could not be inspected`);
    for (const sql of stmts) {
      const s = classifySql(sql);
      v = escalate(v, s.class === 'read' ? 'write' : s.class, `aws ${key}: ${s.reason}`);
    }
  }
  return v;
}

export const aws: Grammar = {
  cli: CLI,
  argTable: () => ARG_FLAGS,
  classify(args) {
    const walk = walkTree(args, ROOT, { flags: () => GLOBAL_FLAGS });
    const path = walk.path;
    const before = walk.kind === 'ambiguous' ? [] : walk.before;
    const global = parseArgs(args, GLOBAL_FLAGS);
    let v: Verdict;
    if (walk.kind === 'group' && path.length === 0 && before.some((f) => f.names.includes('--version'))) {
      v = verdict('read', 'aws --version prints the CLI version');
    } else if (walk.kind === 'group' && path.length === 1 && path[0] === 'help') {
      v = helpOnly(CLI);
    } else if (walk.kind === 'group' && path.length === 1 && path[0] === 'configure') {
      v = verdict('unknown', 'aws configure prompts interactively');
    } else if (walk.kind === 'command' && path[1] === 'help' && walk.rest.length === 0) {
      v = helpOnly(CLI);
    } else if (walk.kind === 'command' && walk.rest.length === 1 && walk.rest[0] === 'help') {
      // Only a bare trailing `help` is help: after other arguments it may be a parameter value.
      v = helpOnly(CLI);
    } else {
      const problem = walkProblem(CLI, walk, false);
      if (problem || walk.kind !== 'command') return outcome(problem ?? verdict('unknown', 'aws: no command'), path);
      v = decide(path[0]!, path[1]!, commandArgs(walk, ARG_FLAGS));
    }
    // These apply whatever the operation: they leak the session's credentials.
    const all = { ...global, flags: [...before, ...global.flags] };
    if (hasFlagOrAbbrev(all, '--debug')) {
      v = escalate(v, 'sensitive', 'aws --debug logs request headers, including the session token');
    }
    // --endpoint-url, --profile and file:// values are refused by the argument rules (aws-args.ts).
    return outcome(v, path);
  },
};
