/** gsutil: top-level options, then a command, sometimes with a get/set/ch subcommand. */
import type { CommandClass, Verdict } from '../engine.ts';
import { flagTable, flagValues, groupTree, hasFlag, parseArgs, verdict, walkTree } from '../engine.ts';
import type { Grammar } from './common.ts';
import { escalate, outcome, unknownVerb, walkProblem } from './common.ts';

const CLI = 'gsutil';

// gsutil's own options (getopt "dDvo:h:i:u:mq"); here -h is a request header, not help.
const TOP_FLAGS = flagTable('gnu', { value: ['-h', '-o', '-u', '-i', '-p'], bool: ['-m', '-q', '-d', '-D', '-v', '-U'] });

// rsync's options (getopt "a:cCdenpPriRuUx:y:j:J"), so that `-rd` counts and `-x d` does not.
const RSYNC_FLAGS = flagTable('gnu', {
  value: ['-a', '-x', '-y', '-j'],
  bool: ['-c', '-C', '-d', '-e', '-n', '-p', '-P', '-r', '-i', '-R', '-u', '-U', '-J'],
});
// Other commands: the value-taking options we know of, so their values are not read as flags.
const COMMAND_FLAGS = flagTable('gnu', { value: ['-a', '-j', '-x', '-y', '-z', '-s', '-L', '-h', '-k', '-u'] });

const TREE = groupTree(
  'acl defacl iam label lifecycle cors logging versioning web notification retention requesterpays ubla ' +
    'bucketpolicyonly pap kms hmac defstorageclass autoclass rpo',
);

const VERBS: Record<string, readonly [CommandClass, string]> = {
  ls: ['read', 'lists buckets or objects'],
  cat: ['read', 'reads object contents'],
  du: ['read', 'shows object sizes'],
  stat: ['read', 'shows object metadata'],
  hash: ['read', 'hashes local files'],
  version: ['read', 'prints the version'],
  help: ['read', 'help output only'],
  cp: ['write', 'copies objects (may overwrite existing ones)'],
  mv: ['write', 'moves objects'],
  rsync: ['write', 'synchronises objects'],
  mb: ['write', 'creates a bucket'],
  compose: ['write', 'composes objects'],
  setmeta: ['write', 'changes object metadata'],
  rewrite: ['write', 'rewrites objects'],
  perfdiag: ['write', 'creates and deletes test objects'],
  rm: ['destructive', 'deletes objects'],
  rb: ['destructive', 'deletes a bucket'],
  signurl: ['sensitive', 'creates a signed URL that grants access'],
  config: ['unknown', 'writes a local boto configuration interactively'],
  update: ['unknown', 'updates the installed gsutil'],
  test: ['unknown', 'runs gsutil self-tests'],
  'hmac create': ['sensitive', 'creates an HMAC key and prints its secret'],
  'hmac delete': ['destructive', 'deletes an HMAC key'],
  'hmac update': ['destructive', 'activates or deactivates an HMAC key'],
  'hmac get': ['read', 'shows HMAC key metadata'],
  'hmac list': ['read', 'lists HMAC keys'],
  'notification list': ['read', 'lists notifications'],
  'notification create': ['write', 'creates a notification'],
  'notification watchbucket': ['write', 'creates a notification channel'],
  'notification stopchannel': ['write', 'stops a notification channel'],
  'notification delete': ['destructive', 'deletes notifications'],
  'retention lock': ['destructive', 'locks a retention policy irreversibly'],
  'lifecycle set': ['destructive', 'sets lifecycle rules that can delete objects'],
  'kms authorize': ['destructive', 'grants the storage service account access to a KMS key'],
  'kms serviceaccount': ['read', 'shows the service account'],
  'kms encryption': ['read', 'shows the default encryption key'],
};

/** Groups whose changes are access-control changes. */
const ACCESS_GROUPS = new Set(['acl', 'defacl', 'iam', 'ubla', 'bucketpolicyonly', 'pap']);

// The rules see top-level and command options in one pass.
const ALL_FLAGS = flagTable('gnu', { value: [...COMMAND_FLAGS.value], bool: [...COMMAND_FLAGS.bool] }, { value: [...TOP_FLAGS.value], bool: [...TOP_FLAGS.bool] });
const ALL_RSYNC_FLAGS = flagTable('gnu', { value: [...RSYNC_FLAGS.value], bool: [...RSYNC_FLAGS.bool] }, { value: [...TOP_FLAGS.value], bool: [...TOP_FLAGS.bool] });

export const gsutil: Grammar = {
  cli: CLI,
  argTable: (path) => (path[0] === 'rsync' ? ALL_RSYNC_FLAGS : ALL_FLAGS),
  classify(args) {
    const walk = walkTree(args, TREE, { flags: () => TOP_FLAGS });
    const path = walk.path;
    const top = walk.kind === 'ambiguous' ? parseArgs([], TOP_FLAGS) : { ...parseArgs([], TOP_FLAGS), flags: walk.before };
    let v: Verdict;
    const problem = walkProblem(CLI, walk, false);
    if (walk.kind === 'group' && path.length === 0 && hasFlag(top, '-v')) {
      v = verdict('read', 'gsutil -v prints the version');
    } else if (problem || walk.kind !== 'command') {
      v = problem ?? verdict('unknown', 'gsutil: no command');
    } else {
      const key = path.join(' ');
      const leaf = path[path.length - 1]!;
      const row = VERBS[key];
      const parsed = parseArgs(walk.rest, key === 'rsync' ? RSYNC_FLAGS : COMMAND_FLAGS);
      if (row) v = verdict(row[0], `gsutil ${key} ${row[1]}`);
      else if (path.length === 2 && leaf === 'get') v = verdict('read', `gsutil ${key} shows a setting`);
      else if (path.length === 2 && (leaf === 'set' || leaf === 'ch' || leaf === 'clear' || leaf === 'event' || leaf === 'temp' || leaf === 'event-default')) {
        v = ACCESS_GROUPS.has(path[0]!)
          ? verdict('destructive', `gsutil ${key} changes access control`)
          : verdict('write', `gsutil ${key} changes a bucket or object setting`);
      } else v = unknownVerb(CLI, path);
      if (key === 'rsync' && hasFlag(parsed, '-d')) {
        v = escalate(v, 'destructive', 'gsutil rsync -d deletes destination objects missing from the source');
      }
      if (key === 'kms encryption' && hasFlag(parsed, '-k', '-d')) {
        v = escalate(v, 'write', 'gsutil kms encryption -k/-d changes the default key');
      }
    }
    if (hasFlag(top, '-d', '-D')) {
      v = escalate(v, 'sensitive', 'gsutil -d/-D debug output includes authentication credentials');
    }
    for (const opt of flagValues(top, '-o')) {
      if (/^Credentials:|_host=|_port=|proxy|https_validate_certificates/i.test(opt)) {
        v = escalate(v, 'sensitive', `gsutil -o ${opt.split('=')[0]} changes where or how credentials are sent`);
      }
    }
    return outcome(v, path);
  },
};
