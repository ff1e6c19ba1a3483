/**
 * Argument rules for aws (CLI v1, argparse: any unique prefix of a long option is accepted, so
 * `--e` is `--endpoint-url`). See ./rules.ts for how they combine.
 */
import type { ArgRules, Hit, Scan } from './rules.ts';
import { ANYWHERE, FILE_URL, ZERO } from './rules.ts';

/**
 * Parameters for which aws CLI v1 does not fetch `http(s)://` values (its PARAMFILE_DISABLED
 * list, awscli/paramfile.py): for every other parameter a URL value is downloaded by the CLI,
 * from wherever it runs, and the content used as the value.
 */
const URL_PARAMS = new Set([
  'apigateway.put-integration.uri', 'apigatewayv2.create-integration.integration-uri',
  'apigatewayv2.update-integration.integration-uri', 'apigatewayv2.create-api.target', 'apigatewayv2.update-api.target',
  'appstream.create-stack.redirect-url', 'appstream.create-stack.feedback-url', 'appstream.update-stack.redirect-url',
  'appstream.update-stack.feedback-url', 'cloudformation.create-stack.template-url',
  'cloudformation.update-stack.template-url', 'cloudformation.create-stack-set.template-url',
  'cloudformation.update-stack-set.template-url', 'cloudformation.create-change-set.template-url',
  'cloudformation.validate-template.template-url', 'cloudformation.estimate-template-cost.template-url',
  'cloudformation.get-template-summary.template-url', 'cloudformation.create-stack.stack-policy-url',
  'cloudformation.update-stack.stack-policy-url', 'cloudformation.set-stack-policy.stack-policy-url',
  'cloudformation.update-stack.stack-policy-during-update-url', 'cloudformation.register-type.schema-handler-package',
  's3.cp.website-redirect', 's3.mv.website-redirect', 's3.sync.website-redirect', 'guardduty.create-ip-set.location',
  'guardduty.update-ip-set.location', 'guardduty.create-threat-intel-set.location',
  'guardduty.update-threat-intel-set.location', 'comprehend.detect-dominant-language.text',
  'comprehend.batch-detect-dominant-language.text-list', 'comprehend.detect-entities.text',
  'comprehend.batch-detect-entities.text-list', 'comprehend.detect-key-phrases.text',
  'comprehend.batch-detect-key-phrases.text-list', 'comprehend.detect-sentiment.text',
  'comprehend.batch-detect-sentiment.text-list', 'emr.create-studio.idp-auth-url',
  'iam.create-open-id-connect-provider.url', 'machinelearning.predict.predict-endpoint',
  'mediatailor.put-playback-configuration.ad-decision-server-url',
  'mediatailor.put-playback-configuration.slate-ad-url',
  'mediatailor.put-playback-configuration.video-content-source-url', 'rds.copy-db-cluster-snapshot.pre-signed-url',
  'rds.create-db-cluster.pre-signed-url', 'rds.copy-db-snapshot.pre-signed-url',
  'rds.create-db-instance-read-replica.pre-signed-url', 'sagemaker.create-notebook-instance.default-code-repository',
  'sagemaker.create-notebook-instance.additional-code-repositories',
  'sagemaker.update-notebook-instance.default-code-repository',
  'sagemaker.update-notebook-instance.additional-code-repositories',
  'serverlessrepo.create-application.home-page-url', 'serverlessrepo.create-application.license-url',
  'serverlessrepo.create-application.readme-url', 'serverlessrepo.create-application.source-code-url',
  'serverlessrepo.create-application.template-url', 'serverlessrepo.create-application-version.source-code-url',
  'serverlessrepo.create-application-version.template-url', 'serverlessrepo.update-application.home-page-url',
  'serverlessrepo.update-application.readme-url', 'servicecatalog.create-product.support-url',
  'servicecatalog.update-product.support-url', 'ses.create-custom-verification-email-template.failure-redirection-url',
  'ses.create-custom-verification-email-template.success-redirection-url', 'ses.put-account-details.website-url',
  'ses.update-custom-verification-email-template.failure-redirection-url',
  'ses.update-custom-verification-email-template.success-redirection-url', 'sqs.*.queue-url',
  's3api.copy-object.website-redirect-location', 's3api.create-multipart-upload.website-redirect-location',
  's3api.put-object.website-redirect-location', 'sns.subscribe.notification-endpoint', 'iot.create-job.document-source',
  'translate.translate-text.text', 'workdocs.create-notification-subscription.notification-endpoint',
]);

/** Global options, which the CLI never loads from a URL. */
const GLOBAL_VALUE = new Set(['--output', '--query', '--region', '--color', '--cli-read-timeout', '--cli-connect-timeout', '--cli-binary-format']);

/** A parameter value the CLI would download from a URL before the call. */
function urlParam(scan: Scan): Hit | null {
  const [service = '', op = ''] = scan.path;
  for (let i = 0; i < scan.before.length; i++) {
    const t = scan.before[i]!;
    if (!t.startsWith('--')) continue;
    const eq = t.indexOf('=');
    const name = eq >= 0 ? t.slice(0, eq) : t;
    const value = eq >= 0 ? t.slice(eq + 1) : scan.before[i + 1];
    if (value === undefined || !/^https?:\/\//i.test(value) || GLOBAL_VALUE.has(name) || name.startsWith('--endpoint')) continue;
    const param = name.slice(2);
    if (URL_PARAMS.has(`${service}.${op}.${param}`) || URL_PARAMS.has(`${service}.*.${param}`)) continue;
    return { flag: name, value };
  }
  return null;
}

/** Operations whose positional argument is the file the response is written to. */
const OUTFILE_OPS = [
  's3api get-object', 's3api get-object-torrent', 'lambda invoke', 'polly synthesize-speech', 'glacier get-job-output',
  'sagemaker-runtime invoke-endpoint', 'bedrock-runtime invoke-model', 'bedrock-agentcore invoke-agent-runtime',
  'codeartifact get-package-version-asset', 'ebs get-snapshot-block', 'kinesis-video-archived-media get-clip',
  'kinesis-video-archived-media get-media-for-fragment-list', 'kinesis-video-media get-media',
  'lakeformation get-work-unit-results', 'lex-runtime post-content', 'lex-runtime put-session', 'lexv2-runtime put-session',
  'lexv2-runtime recognize-utterance', 'medialive describe-input-device-thumbnail', 'mediastore-data get-object',
  'medical-imaging get-image-frame', 'medical-imaging get-image-set-metadata', 'neptune-graph execute-query',
  'omics get-read-set', 'omics get-reference', 'sagemaker-geospatial get-tile', 'workmailmessageflow get-raw-message-content',
];

/** Streaming input parameters: their value is always the path of a local file to upload. */
const STREAMING_INPUTS: ReadonlyArray<readonly [op: string, flag: string]> = [
  ['cloudsearchdomain upload-documents', '--documents'], ['codeartifact publish-package-version', '--asset-content'],
  ['ebs put-snapshot-block', '--block-data'], ['glacier upload-archive', '--body'], ['glacier upload-multipart-part', '--body'],
  ['lambda invoke-async', '--invoke-args'], ['lex-runtime post-content', '--input-stream'],
  ['lexv2-runtime recognize-utterance', '--input-stream'], ['mediastore-data put-object', '--body'],
  ['omics upload-read-set-part', '--payload'], ['s3api put-object', '--body'], ['s3api upload-part', '--body'],
  ['s3api write-get-object-response', '--body'],
];

function streamingInput(scan: Scan): Hit | null {
  const op = scan.path.join(' ');
  for (const [o, flag] of STREAMING_INPUTS) {
    if (o !== op) continue;
    const f = scan.flags.find((x) => x.written === flag || x.names.includes(flag));
    if (f) return { flag, value: f.attached ?? scan.before[f.index + 1] };
  }
  return null;
}

const S3_PATH = /^s3:\/\//i;
/** The standard output stream as a file name: the only local "file" a run may write. */
const STDOUT = /^(-|\/dev\/stdout)$/;

/** `aws s3 cp/mv/sync`: every path must be in S3, except `-` as the destination of cp (stdout). */
function localS3Path(scan: Scan): Hit | null {
  // A path hidden behind an option we do not know is still a path.
  const ops = scan.looseOperands;
  const op = scan.path[1];
  for (let i = 0; i < ops.length; i++) {
    const o = ops[i]!;
    if (S3_PATH.test(o)) continue;
    if (op !== 'sync' && i === 1 && STDOUT.test(o)) continue;
    return { value: o };
  }
  return null;
}

/** Operations that change things (where an argument can open access or reset a password). */
const WRITES = ['* create-*', '* update-*', '* modify-*', '* put-*', '* set-*', '* register-*', '* restore-*', '* start-*', '* run-*', '* import-*', '* copy-*', '* change-*', '* reset-*', '* enable-*', '* attach-*', '* associate-*', '* apply-*', '* authorize-*', '* replace-*', '* add-*', '* configure-*', '* upgrade-*'];
const UPDATES = ['* modify-*', '* update-*', '* reset-*', '* change-*', '* put-*', '* set-*', '* admin-*', '* rotate-*'];

export const awsArgs: ArgRules = {
  abbreviations: true,
  valueByDefault: true,
  flags: {
    value: [
      // aws s3 options, so that their values are not read as paths
      '--exclude', '--include', '--sse', '--sse-c', '--sse-c-key', '--sse-kms-key-id', '--sse-c-copy-source',
      '--sse-c-copy-source-key', '--storage-class', '--grants', '--website-redirect', '--content-type', '--cache-control',
      '--content-disposition', '--content-encoding', '--content-language', '--expires', '--metadata',
      '--metadata-directive', '--expected-size', '--request-payer', '--page-size', '--source-region', '--checksum-mode',
      '--checksum-algorithm','--desired-count', '--desired-capacity', '--max-size', '--max-capacity', '--acl', '--auth-type', '--cidr', '--backup-retention-period', '--reserved-concurrent-executions', '--change-batch', '--versioning-configuration', '--point-in-time-recovery-specification', '--scaling-config', '--instance-ids', '--patch-operations', '--kubeconfig', '--ca-bundle', '--profile'],
    bool: [
      '--dry-run', '--no-dry-run', '--dryrun', '--publicly-accessible', '--no-publicly-accessible', '--no-deletion-protection',
      '--no-deletion-protection-enabled', '--with-decryption', '--recursive', '--quiet', '--only-show-errors', '--no-progress',
      '--follow-symlinks', '--no-follow-symlinks', '--no-guess-mime-type', '--force-glacier-transfer',
      '--ignore-glacier-warnings', '--delete', '--exact-timestamps', '--size-only', '--human-readable', '--summarize',
      '--force', '--include-value', '--include-values', '--hide-password', '--deletion-protection', '--deletion-protection-enabled',
    ],
  },
  rules: [
    // --- refused: local files, URLs fetched by the CLI, local programs, configuration overrides
    { id: 'aws.file-param', effect: 'refuse', match: { arg: FILE_URL }, reason: 'aws would read {value} from a local file; file:// and fileb:// values are refused (give the value inline)' },
    { id: 'aws.endpoint-url', effect: 'refuse', match: { flag: ['--endpoint-url'], prefixes: true }, reason: 'aws {flag} sends the request and its credentials to another endpoint; endpoint overrides are refused' },
    { id: 'aws.url-param', effect: 'refuse', match: { test: urlParam }, reason: 'aws CLI v1 downloads {flag} {value} itself before the call; URL-valued parameters are refused (give the value inline)' },
    { id: 'aws.profile', effect: 'refuse', match: { flag: ['--profile'], prefixes: true }, reason: 'aws {flag} selects other credentials than the connected account; profiles are refused' },
    { id: 'aws.ca-bundle', effect: 'refuse', match: { flag: ['--ca-bundle'], prefixes: true }, reason: 'aws {flag} reads a local certificate file and changes which endpoints are trusted' },
    { id: 'aws.no-verify-ssl', effect: 'refuse', match: { flag: ['--no-verify-ssl'], prefixes: true }, reason: 'aws {flag} sends credentials without verifying the endpoint' },
    { id: 'aws.auto-prompt', effect: 'refuse', match: { flag: ['--cli-auto-prompt'], prefixes: true }, reason: 'aws {flag} waits for input at an interactive prompt' },
    { id: 'aws.configure', effect: 'refuse', on: ['configure', 'configure set', 'configure add-model', 'configure import', 'configure sso', 'configure sso-session'], reason: 'aws configure changes the CLI configuration or prompts for input; configuration commands are refused' },
    { id: 'aws.local-program', effect: 'refuse', on: ['deploy install', 'deploy uninstall', 'emr ssh', 'emr socks', 'emr get', 'emr put', 'ssm start-session', 'ecs execute-command', 'ec2-instance-connect ssh', 'ec2-instance-connect open-tunnel', 'codeartifact login'], reason: '{command} runs a local program or opens a local port or session; it is refused' },
    { id: 'aws.s3-local-path', effect: 'refuse', on: ['s3 cp', 's3 mv', 's3 sync'], match: { test: localS3Path }, reason: "aws s3 would read or write the local path '{value}'; only s3:// paths (and - for standard output) are allowed" },
    { id: 'aws.outfile', effect: 'refuse', on: OUTFILE_OPS, match: { any: [{ operand: /^(?!(-|\/dev\/stdout)$)/ }, { not: { arg: STDOUT } }] }, reason: 'this operation writes its response to a local file; give /dev/stdout as the output file to see it' },
    { id: 'aws.local-template', effect: 'refuse', on: ['cloudformation package', 'cloudformation deploy'], reason: 'aws cloudformation package/deploy read templates and artifacts from local files; use create-stack with --template-url or --template-body' },
    { id: 'aws.kubeconfig-file', effect: 'refuse', match: { flag: ['--kubeconfig'] }, reason: 'aws {flag} writes a local file outside the run' },
    { id: 'aws.streaming-input', effect: 'refuse', match: { test: streamingInput }, reason: "aws {flag} uploads the local file '{value}'" },
    // Options of the CLI's own customizations that read or write local files (awscli/customizations).
    { id: 'aws.local-file-flag', effect: 'refuse', match: { any: [{ flag: ['--priv-launch-key', '--outfile', '--certificate-pem-outfile', '--public-key-outfile', '--private-key-outfile', '--build-root', '--codedeploy-appspec'], prefixes: true }, { flag: ['--key-pair-file', '--template-file', '--save-as'] }] }, reason: 'aws {flag} reads or writes a local file' },
    { id: 'aws.local-upload', effect: 'refuse', on: ['ecs deploy', 'deploy push', 'deploy register', 'deploy deregister', 'gamelift upload-build', 'gamelift get-game-session-log', 'opsworks register', 'history **'], reason: '{command} reads or writes local files or runs local programs; it is refused' },

    // --- raised: scale to zero
    { id: 'aws.scale-to-zero', effect: 'destructive', match: { flag: ['--desired-count', '--desired-capacity', '--max-size', '--max-capacity', '--reserved-concurrent-executions'], value: ZERO }, reason: 'aws {flag} {value} scales to zero: the service stops serving' },
    { id: 'aws.scale-to-zero-shorthand', effect: 'destructive', match: { pair: /desiredSize|maxSize|desiredCount|DesiredCapacity|MaxCapacity|DesiredInstanceCount|InstanceCount/i, value: ZERO }, reason: 'aws {flag}={value} scales to zero: the service stops serving' },
    // --- raised: public exposure
    { id: 'aws.publicly-accessible', effect: 'destructive', match: { flag: ['--publicly-accessible'] }, reason: 'aws {flag} makes the database reachable from the internet' },
    { id: 'aws.public-acl', effect: 'destructive', match: { flag: ['--acl'], value: /^(public-read|public-read-write|authenticated-read)$/ }, reason: 'aws {flag} {value} makes objects public' },
    { id: 'aws.public-grant', effect: 'destructive', match: { arg: /acs\.amazonaws\.com\/groups\/global\/(AllUsers|AuthenticatedUsers)/ }, reason: 'grants access to everyone ({value})' },
    { id: 'aws.function-url-public', effect: 'destructive', match: { flag: ['--auth-type'], value: /^NONE$/i }, reason: 'aws {flag} {value} makes the function URL callable by anyone' },
    { id: 'aws.open-to-world', effect: 'destructive', on: WRITES, match: { arg: ANYWHERE }, reason: 'opens access from the whole internet (0.0.0.0/0 or ::/0)' },
    // --- raised: passwords and credentials reset through updates
    { id: 'aws.password-reset', effect: 'destructive', on: UPDATES, match: { flag: ['--master-user-password', '--new-password', '--password', '--admin-password', '--auth-token', '--secret-string', '--secret-binary', '--rotate-master-user-password', '--manage-master-user-password'] }, reason: 'aws {flag} replaces a password or secret' },
    { id: 'aws.credential-reset-op', effect: 'destructive', on: ['* rotate-secret', '* reset-*password*', '* admin-set-user-password', '* admin-reset-user-password', '* update-access-key', '* reset-*token*', '* reset-*credential*'], reason: '{command} resets or rotates a credential' },
    // --- raised: disabling, detaching, removing protection
    { id: 'aws.stop-logging', effect: 'destructive', on: ['cloudtrail stop-logging', 'config stop-configuration-recorder', 'config delete-configuration-recorder'], reason: '{command} stops audit logging' },
    { id: 'aws.disable', effect: 'destructive', on: ['* disable-*', '* deactivate-*'], reason: '{command} disables a feature or a credential' },
    { id: 'aws.deletion-protection-off', effect: 'destructive', match: { any: [{ flag: ['--no-deletion-protection', '--no-deletion-protection-enabled', '--no-disable-api-termination', '--no-disable-api-stop', '--no-termination-protection', '--no-enable-termination-protection'] }, { pair: /DeletionProtection(Enabled)?/, value: /^false$/i }] }, reason: 'removes deletion or termination protection: {flag}{value}' },
    { id: 'aws.backups-off', effect: 'destructive', match: { any: [{ flag: ['--backup-retention-period'], value: ZERO }, { pair: /PointInTimeRecoveryEnabled/i, value: /^false$/i }] }, reason: 'turns off backups or point-in-time recovery ({flag} {value})' },
    { id: 'aws.versioning-suspended', effect: 'destructive', match: { pair: /Status|MFADelete/, value: /^(Suspended|Disabled)$/ }, reason: 'suspends versioning or MFA delete ({flag}={value})' },
    { id: 'aws.no-enable', effect: 'destructive', on: WRITES, match: { test: (s) => { const f = s.flags.find((x) => /^--no-enable(-|$)/.test(x.written)); return f ? { flag: f.written } : null; } }, reason: 'aws {flag} turns off a feature' },
    { id: 'aws.attribute-off', effect: 'destructive', match: { arg: /Key=[\w.]*(deletion_protection|access_logs|logging|connection_logs)[\w.]*\.enabled,Value=false/i }, reason: 'turns off deletion protection or logging: {value}' },
    // --- raised: generic actions and data-losing payloads
    { id: 'aws.route53-delete', effect: 'destructive', on: ['route53 change-resource-record-sets'], match: { pair: /Action/, value: /^DELETE$/i }, reason: 'the change batch deletes DNS records (Action DELETE)' },
    { id: 'aws.patch-remove', effect: 'destructive', match: { pair: /op/, value: /^(remove|delete)$/i }, reason: 'the patch operations remove settings ({flag}={value})' },
    { id: 'aws.terminate-document', effect: 'destructive', on: ['ssm start-automation-execution', 'ssm send-command', 'ssm create-association'], match: { flag: ['--document-name'], value: /^AWS-\w*(Delete|Terminate|Stop|Detach|Remove|Disable|Revoke|Purge)/ }, reason: 'runs an AWS-owned SSM document that names a destructive action ({value})' },
    // --- raised: reads that return secrets or credentials
    { id: 'aws.function-environment', effect: 'sensitive', on: ['lambda get-function', 'lambda get-function-configuration', 'lambda list-functions'], reason: '{command} returns the function environment (and, for get-function, a presigned URL of its code)' },
    { id: 'aws.with-decryption', effect: 'sensitive', match: { flag: ['--with-decryption'], prefixes: true }, reason: 'aws {flag} returns decrypted secret values' },
    { id: 'aws.user-data', effect: 'sensitive', on: ['ec2 describe-instance-attribute'], match: { flag: ['--attribute'], value: /^userData$/i }, reason: '{command} --attribute userData returns instance user data, which commonly holds secrets' },

    // --- lowered: explicit dry runs
    { id: 'aws.ec2-dry-run', effect: 'dry-run', on: ['ec2 *'], match: { flag: ['--dry-run'] }, off: ['--no-dry-run'], reason: 'aws ec2 {flag} checks permissions without making the change' },
    { id: 'aws.s3-dryrun', effect: 'dry-run', on: ['s3 cp', 's3 mv', 's3 rm', 's3 sync'], match: { flag: ['--dryrun'] }, reason: 'aws s3 {flag} only shows what would be done' },
  ],
};
