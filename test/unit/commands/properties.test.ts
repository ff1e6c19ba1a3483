import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ProviderId } from '../../../lib/commands/binaries.ts';
import { analyzeCommand, classify, loadCommandPolicies } from '../../../lib/commands/classify.ts';

// the CLIs' policies load on first use in the service (lib/commands/classify.ts); here, all of them
await loadCommandPolicies();

// Words that fooled substring-based detection, plus flag-looking and secret-looking ones.
const TRICKY = [
  'delete', 'list', 'get', 'rm', 'describe', 'show', 'terminate', 'destroy', 'drop', 'purge', 'secret', 'secrets',
  'remove', 'help', 'read', 'ls', 'cat', 'yaml', 'json', 'access', 'print-access-token', 'get-secret-value',
  'target', 'widget', 'my-list-project', 'i-0list', 'delete-me', 'kill', 'exec', '-h', '--help', '--force', '-d',
  // Words the argument rules react to elsewhere (paths, values); as names they must not count.
  'local', 'nodeport', 'loadbalancer', 'bucket-allUsers', 'public-read', 'terminate', 'poweroff', 'disable', 'dry-run',
  'stop-logging', 'detach-disk', 'plugin', 'krew', 'kustomize', 'replicas', 'zero',
];
const trickyWord = fc.oneof(fc.constantFrom(...TRICKY), fc.stringMatching(/^[a-z][a-z0-9-]{0,15}$/));

type Case = [ProviderId, string[]];

/** Commands with their resource names already in place; more positionals only add names. */
const BASE: Case[] = [
  ['gcp', ['gcloud', 'compute', 'instances', 'describe', 'vm-1']],
  ['gcp', ['gcloud', 'compute', 'instances', 'list']],
  ['gcp', ['gcloud', 'compute', 'instances', 'stop', 'vm-1']],
  ['gcp', ['gcloud', 'projects', 'delete', 'p']],
  ['gcp', ['gcloud', 'secrets', 'versions', 'access', 'latest']],
  ['gcp', ['gsutil', 'ls', 'gs://b']],
  ['gcp', ['gsutil', 'rm', 'gs://b/o']],
  ['gcp', ['bq', 'show', 'ds.t']],
  ['gcp', ['kubectl', 'get', 'pods']],
  ['gcp', ['kubectl', 'describe', 'pod', 'web']],
  ['gcp', ['kubectl', 'delete', 'pod', 'web']],
  ['gcp', ['kubectl', 'logs', 'web']],
  ['aws', ['aws', 'ec2', 'describe-instances']],
  ['aws', ['aws', 's3', 'ls', 's3://b']],
  ['aws', ['aws', 'ec2', 'start-instances']],
  ['aws', ['aws', 'secretsmanager', 'get-secret-value']],
  ['azure', ['az', 'vm', 'list']],
  ['azure', ['az', 'vm', 'delete']],
  ['azure', ['az', 'keyvault', 'secret', 'list']],
  ['scaleway', ['scw', 'instance', 'server', 'list']],
  ['scaleway', ['scw', 'instance', 'server', 'terminate']],
  ['ovh', ['ovhcloud', 'vps', 'list']],
  ['ovh', ['ovhcloud', 'cloud', 'instance', 'delete']],
];

/**
 * Flags known to take a value, per CLI; their values must never matter. (Profile flags are not
 * here: they pick other credentials, so the argument rules refuse them whatever their value.)
 */
const VALUE_FLAGS: Record<string, string[]> = {
  gcloud: ['--project', '--format', '--filter', '--zone', '--region', '--account', '--verbosity'],
  gsutil: [],
  bq: ['--project_id', '--format', '--location'],
  kubectl: ['-n', '--namespace', '--context', '-l', '--selector', '--field-selector', '-c', '--cluster'],
  aws: ['--region', '--output', '--query'],
  az: ['--subscription', '-g', '--resource-group', '-o', '--query', '-n', '--name'],
  scw: ['-o', '--output'],
  ovhcloud: ['-o', '--output', '--cloud-project'],
};

describe('class depends on the command, never on names or flag values', () => {
  it.each(BASE)('%s %j: extra positional names do not change the class', (provider, argv) => {
    const expected = classify(provider, argv).class;
    // A bare trailing `help` is aws's help command, so it is not a resource name there.
    const word = argv[0] === 'aws' ? trickyWord.filter((w) => w !== 'help') : trickyWord;
    fc.assert(
      fc.property(fc.array(word.filter((w) => !w.startsWith('-')), { minLength: 1, maxLength: 4 }), (extra) => {
        expect(classify(provider, [...argv, ...extra]).class).toBe(expected);
      }),
      { numRuns: 60 },
    );
  });

  it.each(BASE)('%s %j: values of value-taking flags do not change the class', (provider, argv) => {
    const expected = classify(provider, argv).class;
    const flags = VALUE_FLAGS[argv[0]!]!;
    if (flags.length === 0) return;
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom(...flags), trickyWord, fc.boolean()), { minLength: 1, maxLength: 3 }),
        (pairs) => {
          const extra = pairs.flatMap(([f, v, joined]) => (joined && f.startsWith('--') ? [`${f}=${v}`] : [f, v]));
          expect(classify(provider, [...argv, ...extra]).class).toBe(expected);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('global flags before the command path do not change it', () => {
    fc.assert(
      fc.property(trickyWord, trickyWord, (a, b) => {
        expect(classify('gcp', ['gcloud', '--project', a, '--format', b, 'compute', 'instances', 'stop', 'vm']).class).toBe('write');
        expect(classify('aws', ['aws', '--region', a, '--output', b, 'ec2', 'terminate-instances']).class).toBe('destructive');
        expect(classify('gcp', ['kubectl', '-n', a, '--context', b, 'get', 'pods']).class).toBe('read');
      }),
      { numRuns: 100 },
    );
  });

  it('nothing that is not read becomes read by appending words or flags', () => {
    const notRead = BASE.filter(([p, argv]) => classify(p, argv).class !== 'read');
    fc.assert(
      fc.property(
        fc.constantFrom(...notRead),
        // Help flags are excluded: they genuinely turn any command into a help read.
        fc.array(
          fc.oneof(trickyWord, fc.constantFrom('--format=list', '--query', '-o', 'name', '--output=text')).filter(
            (w) => w !== '--help' && w !== '-h',
          ),
          { maxLength: 5 },
        ),
        ([provider, argv], extra) => {
          // aws's bare trailing `help` prints help instead of running: genuinely a read.
          if (argv[0] === 'aws' && extra.length === 1 && extra[0] === 'help') return;
          expect(classify(provider, [...argv, ...extra]).class).not.toBe('read');
        },
      ),
      { numRuns: 300 },
    );
  });

  it('analyzeCommand never throws on arbitrary input', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('gcp', 'aws', 'azure', 'scaleway', 'tailscale', 'ovh', 'nope'),
        fc.oneof(fc.string({ maxLength: 120 }), fc.array(trickyWord, { maxLength: 8 }).map((w) => ['kubectl', ...w].join(' '))),
        (provider, command) => {
          const r = analyzeCommand(provider, command);
          expect(['read', 'write', 'destructive', 'sensitive', 'unknown', 'rejected']).toContain(r.class);
          expect(typeof r.reason).toBe('string');
        },
      ),
      { numRuns: 500 },
    );
  });
});
