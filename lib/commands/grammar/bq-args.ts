/** Argument rules for bq (absl flags: `-flag` and `--flag` are the same). See ./rules.ts. */
import type { ArgRules, Hit, Scan } from './rules.ts';
import { EVERYONE } from './rules.ts';

const CLOUD = /^(gs|https?):\/\//i;
/** A value that names a file rather than an inline schema or definition. */
const PATHLIKE = /^(\.{0,2}\/|~)|\.(json|ya?ml|csv|avro|parquet|orc|txt|js)$/i;

/** `bq load TABLE SOURCE [SCHEMA]`, `bq insert TABLE FILE`, `bq mk TABLE SCHEMA`: local files. */
function localOperand(scan: Scan): Hit | null {
  const [verb] = scan.path;
  const ops = scan.operands;
  if (verb === 'load') {
    const src = ops[1];
    if (src !== undefined && src.split(',').some((s) => !CLOUD.test(s))) return { value: src };
    if (ops[2] !== undefined && PATHLIKE.test(ops[2])) return { value: ops[2] };
  }
  if (verb === 'insert' && ops[1] !== undefined) return { value: ops[1] };
  if (verb === 'mk' && ops[1] !== undefined && PATHLIKE.test(ops[1])) return { value: ops[1] };
  return null;
}

export const bqArgs: ArgRules = {
  flags: { value: ['schema', 'external_table_definition', 'udf_resource', 'source', 'member', 'role', 'expiration', 'default_table_expiration', 'default_partition_expiration', 'time_partitioning_expiration'], bool: ['dry_run', 'nodry_run'] },
  rules: [
    { id: 'bq.local-config', effect: 'refuse', match: { flag: ['--flagfile', '--bigqueryrc', '--credential_file', '--service_account_credential_file', '--service_account_private_key_file', '--discovery_file', '--ca_certificates_file'] }, reason: 'bq {flag} reads a local file (flags, configuration or credentials)' },
    { id: 'bq.endpoint', effect: 'refuse', match: { flag: ['--api', '--universe_domain', '--proxy_address', '--proxy_port', '--proxy_username', '--proxy_password', '--disable_ssl_validation', '--use_gce_service_account', '--service_account', '--impersonate_service_account', '--oauth_access_token'] }, reason: 'bq {flag} changes the endpoint or the credentials the request goes with' },
    { id: 'bq.apilog-file', effect: 'refuse', match: { flag: ['--apilog'], value: /^(?!(stdout|stderr|-)$)/ }, reason: 'bq --apilog={value} writes a local file' },
    { id: 'bq.interactive', effect: 'refuse', on: ['shell', 'init'], reason: '{command} is interactive; it is refused' },
    { id: 'bq.local-operand', effect: 'refuse', on: ['load', 'insert', 'mk'], match: { test: localOperand }, reason: "bq would read the local file '{value}'; give gs:// URIs or inline values" },
    { id: 'bq.local-flag', effect: 'refuse', match: { any: [{ flag: ['--schema', '--external_table_definition', '--source', '--table_definition'], value: PATHLIKE }, { flag: ['--udf_resource'], value: /^(?!gs:\/\/)/ }] }, reason: "bq {flag} reads the local file '{value}'" },

    { id: 'bq.expiration', effect: 'destructive', on: ['update', 'mk'], match: { flag: ['--expiration', '--default_table_expiration', '--default_partition_expiration', '--time_partitioning_expiration'] }, reason: 'bq {flag} makes tables or partitions expire: their data is deleted' },
    { id: 'bq.everyone', effect: 'destructive', match: { flag: ['--member'], value: EVERYONE }, reason: 'grants access to everyone ({value})' },

    { id: 'bq.dry-run', effect: 'dry-run', match: { flag: ['--dry_run'], value: /^(true|t|1)$/i }, off: ['--nodry_run'], reason: 'bq {flag} validates the job without running it' },
  ],
};
