/** bq: absl flags (`-flag` or `--flag`), a command, and for `query` the SQL decides. */
import type { CommandClass, Verdict } from '../engine.ts';
import { commandArgs, flagTable, hasFlag, LEAF_GROUP, parseArgs, verdict, walkTree } from '../engine.ts';
import type { Grammar } from './common.ts';
import { classifySql, escalate, helpVerdict, outcome, unknownVerb, walkProblem } from './common.ts';

const CLI = 'bq';

const GLOBAL = {
  value: [
    'project_id', 'dataset_id', 'location', 'format', 'api', 'api_version', 'apilog', 'bigqueryrc', 'credential_file',
    'flagfile', 'job_id', 'job_property', 'max_rows_per_request', 'service_account', 'service_account_credential_file',
    'service_account_private_key_file', 'trace', 'httplib2_debuglevel', 'ca_certificates_file', 'proxy_address',
    'proxy_port', 'proxy_username', 'proxy_password', 'discovery_file', 'universe_domain', 'quota_project_id',
    'request_reason',
  ],
  bool: [
    'headless', 'noheadless', 'quiet', 'noquiet', 'q', 'sync', 'nosync', 'synchronous_mode', 'nosynchronous_mode',
    'fingerprint_job_id', 'nofingerprint_job_id', 'enable_gdrive', 'noenable_gdrive', 'use_gce_service_account',
    'nouse_gce_service_account', 'disable_ssl_validation', 'nodisable_ssl_validation', 'help', 'helpshort', 'helpfull',
    'debug_mode', 'nodebug_mode', 'version',
  ],
};
const GLOBAL_FLAGS = flagTable('go', GLOBAL);

const COMMAND_FLAGS = flagTable('go', GLOBAL, {
  value: [
    'n', 'max_results', 'destination_table', 'parameter', 'schema', 'p', 'page_token', 'filter', 'label',
    'time_partitioning_field', 'time_partitioning_type', 'clustering_fields', 'source_format', 'field_delimiter',
    'description', 'expiration', 'default_table_expiration', 'j', 'maximum_bytes_billed', 'destination_kms_key',
    'schedule', 'display_name', 'target_dataset', 'connection_property', 'session_id', 'timeout',
  ],
  bool: [
    'use_legacy_sql', 'nouse_legacy_sql', 'dry_run', 'nodry_run', 'replace', 'noreplace', 'append_table',
    'noappend_table', 'batch', 'nobatch', 'use_cache', 'nouse_cache', 'flatten_results', 'noflatten_results',
    'allow_large_results', 'noallow_large_results', 'f', 'force', 'noforce', 'r', 'recursive', 'norecursive', 'a',
    'all', 'd', 'dataset', 't', 'table', 'm', 'model', 'routines', 'transfer_config', 'reservation', 'capacity_commitment',
    'connection', 'view', 'materialized_view', 'external_table_definition', 'use_full_timestamp', 'create_session',
  ],
});

const VERBS: Record<string, readonly [CommandClass, string]> = {
  ls: ['read', 'lists datasets, tables or jobs'],
  show: ['read', 'shows a resource'],
  head: ['read', 'reads table rows'],
  version: ['read', 'prints the version'],
  help: ['read', 'help output only'],
  wait: ['read', 'waits for a job'],
  'get-iam-policy': ['read', 'shows an IAM policy'],
  mkdef: ['read', 'prints a table definition'],
  mk: ['write', 'creates a resource'],
  update: ['write', 'updates a resource'],
  cp: ['write', 'copies tables'],
  load: ['write', 'loads data into a table'],
  extract: ['write', 'exports a table to Cloud Storage'],
  insert: ['write', 'inserts rows'],
  cancel: ['write', 'cancels a job'],
  partition: ['write', 'copies tables into a partitioned table'],
  undelete: ['write', 'restores a deleted dataset'],
  rm: ['destructive', 'deletes a resource'],
  truncate: ['destructive', 'deletes table data'],
  'set-iam-policy': ['destructive', 'replaces an IAM policy'],
  'add-iam-policy-binding': ['destructive', 'grants an IAM role'],
  'remove-iam-policy-binding': ['destructive', 'removes an IAM role'],
  shell: ['unknown', 'starts an interactive shell'],
  init: ['unknown', 'writes a configuration file interactively'],
};

function queryVerdict(positionals: readonly string[], opaque: boolean): Verdict {
  if (opaque) return verdict('unknown', 'bq query with --flagfile: flags we cannot see');
  if (positionals.length === 0) return verdict('unknown', 'bq query without SQL reads it from standard input');
  const s = classifySql(positionals.join(' '));
  return verdict(s.class, `bq query: ${s.reason}`);
}

export const bq: Grammar = {
  cli: CLI,
  argTable: () => COMMAND_FLAGS,
  classify(args) {
    const walk = walkTree(args, LEAF_GROUP, { flags: () => GLOBAL_FLAGS });
    const help = helpVerdict(CLI, args, COMMAND_FLAGS, ['--help', '-help', '--helpshort', '--helpfull', '-h']);
    if (help) return outcome(help, walk.path);
    const all = parseArgs(args, COMMAND_FLAGS);
    let v: Verdict;
    if (walk.kind === 'group' && walk.path.length === 0 && hasFlag(all, '--version')) {
      v = verdict('read', 'bq --version prints the version');
    } else {
      const problem = walkProblem(CLI, walk, false);
      if (problem || walk.kind !== 'command') return outcome(problem ?? verdict('unknown', 'bq: no command'), walk.path);
      const verb = walk.path[0]!;
      const parsed = commandArgs(walk, COMMAND_FLAGS);
      const row = VERBS[verb];
      if (verb === 'query') v = queryVerdict(parsed.positionals, hasFlag(all, '--flagfile'));
      else v = row ? verdict(row[0], `bq ${verb} ${row[1]}`) : unknownVerb(CLI, [verb]);
      if (verb === 'query' && hasFlag(parsed, '--destination_table', '--append_table', '--schedule')) {
        v = escalate(v, 'write', 'bq query writes its result to a table');
      }
      if ((verb === 'query' || verb === 'load') && hasFlag(parsed, '--replace')) {
        v = escalate(v, 'destructive', `bq ${verb} --replace overwrites the destination table`);
      }
      if (verb === 'cp' && hasFlag(parsed, '--f', '--force')) {
        v = escalate(v, 'destructive', 'bq cp --force overwrites the destination table');
      }
    }
    if (hasFlag(all, '--apilog', '--httplib2_debuglevel')) {
      v = escalate(v, 'sensitive', 'bq API logging can include request credentials');
    }
    // --api, --flagfile and credential files are refused by the argument rules (bq-args.ts).
    return outcome(v, walk.path);
  },
};
