import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ProviderId } from '../../../lib/commands/binaries.ts';
import { analyzeCommand, classify, loadCommandPolicies } from '../../../lib/commands/classify.ts';
import type { CommandClass } from '../../../lib/commands/engine.ts';
import { flagTable, verdict } from '../../../lib/commands/engine.ts';
import { awsArgs } from '../../../lib/commands/grammar/aws-args.ts';
import { azArgs } from '../../../lib/commands/grammar/az-args.ts';
import { bqArgs } from '../../../lib/commands/grammar/bq-args.ts';
import { gcloudArgs } from '../../../lib/commands/grammar/gcloud-args.ts';
import { gsutilArgs } from '../../../lib/commands/grammar/gsutil-args.ts';
import { kubectlArgs } from '../../../lib/commands/grammar/kubectl-args.ts';
import { ovhcloudArgs } from '../../../lib/commands/grammar/ovhcloud-args.ts';
import { scwArgs } from '../../../lib/commands/grammar/scw-args.ts';
import type { ArgRules } from '../../../lib/commands/grammar/rules.ts';
import { applyRules, rulesTable, scanArgs } from '../../../lib/commands/grammar/rules.ts';

// the CLIs' policies load on first use in the service (lib/commands/classify.ts); here, all of them
await loadCommandPolicies();

const RANK: Record<CommandClass, number> = { read: 0, write: 1, unknown: 2, destructive: 3, sensitive: 4 };

/** Arguments that rules react to: dry runs, scale to zero, exposure, files, overrides, plain words. */
const DRY_RUNS = ['--dry-run', '--dry-run=server', '--dry-run=client', '--dry-run=true', '--dryrun', '--dry_run', '-dry_run', '--dry_run=true', '--validate-only', '-n'];
const TRIGGERS = [
  ...DRY_RUNS, '--no-dry-run', '--dry-run=none', '--nodry_run', '--replicas=0', '--desired-count', '0', '--num-nodes=0', '--size=0',
  '--allow-unauthenticated', '--publicly-accessible', '--acl', 'public-read', '--auth-type', 'NONE', '0.0.0.0/0', '::/0',
  'allUsers', '--member=allUsers', 'action=terminate', 'size=0', 'desiredSize=0', '--master-user-password', 'hunter2',
  '--no-deletion-protection', '--with-decryption', '--raw', '--flatten', 'file:///etc/passwd', 'fileb://k', '@/etc/passwd',
  '--endpoint-url', 'http://127.0.0.1:8000', '--profile', 'p', '--kubeconfig', '/etc/k', '-f', 'manifest.yaml', '-k', 'dir',
  '--flags-file=f', '--configuration', 'c', '-i', '--interactive', '--', 'gs://b/o', 's3://b/k', '-', '/dev/stdout',
  'local.txt', 'x', 'prod', 'delete', 'list', '--force', '--quiet', '-o', 'yaml',
];
const token = fc.oneof(fc.constantFrom(...TRIGGERS), fc.stringMatching(/^[a-z][a-z0-9-]{0,10}$/));

const SETS: ReadonlyArray<readonly [string, ArgRules, 'gnu' | 'go']> = [
  ['gcloud', gcloudArgs, 'gnu'], ['gsutil', gsutilArgs, 'gnu'], ['bq', bqArgs, 'go'], ['kubectl', kubectlArgs, 'gnu'],
  ['aws', awsArgs, 'gnu'], ['az', azArgs, 'gnu'], ['scw', scwArgs, 'gnu'], ['ovhcloud', ovhcloudArgs, 'gnu'],
];
/** Paths where lowering rules live, plus some where none do. */
const PATHS = [
  ['ec2', 'terminate-instances'], ['s3', 'rm'], ['s3', 'sync'], ['storage', 'rsync'], ['rsync'], ['delete'], ['scale'],
  ['query'], ['storage', 'blob', 'delete-batch'], ['secretsmanager', 'get-secret-value'], ['config', 'view'],
  ['compute', 'ssh'], ['get'], ['instance', 'server', 'action'], ['api', 'call'],
];

describe('argument rules can never lower what they must not', () => {
  it('no rule set lowers sensitive or unknown, and only a dry run lowers write or destructive, and only to read', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...SETS),
        fc.constantFrom(...PATHS),
        fc.constantFrom<CommandClass>('read', 'write', 'destructive', 'sensitive', 'unknown'),
        fc.array(token, { maxLength: 8 }),
        ([cli, set, style], path, cls, extra) => {
          const tokens = [...path, ...extra];
          const scan = scanArgs(cli, path, tokens, rulesTable(flagTable(style, {}), set), set.abbreviations, set.valueByDefault);
          const d = applyRules(set, scan, verdict(cls, 'base'), false);
          if (d.refused) return;
          if (RANK[d.class] >= RANK[cls]) return;
          // The only way down: a dry-run rule, from write or destructive, to read.
          expect(cls === 'write' || cls === 'destructive').toBe(true);
          expect(d.class).toBe('read');
          const dryRunIds = new Set(set.rules.filter((r) => r.effect === 'dry-run').map((r) => r.id));
          expect(d.rules.some((id) => dryRunIds.has(id))).toBe(true);
        },
      ),
      { numRuns: 3000 },
    );
  });

  /** Commands the grammar calls sensitive; argument rules may refuse them but never make them less. */
  const SENSITIVE: Array<[ProviderId, string[]]> = [
    ['aws', ['aws', 'secretsmanager', 'get-secret-value', '--secret-id', 's']],
    ['aws', ['aws', 'ec2', 'get-password-data', '--instance-id', 'i-1']],
    ['aws', ['aws', 'lambda', 'get-function', '--function-name', 'f']],
    ['gcp', ['gcloud', 'secrets', 'versions', 'access', 'latest', '--secret', 's']],
    ['gcp', ['gcloud', 'auth', 'print-access-token']],
    ['gcp', ['kubectl', 'get', 'secret', 'db', '-o', 'yaml']],
    ['gcp', ['kubectl', 'config', 'view', '--raw']],
    ['gcp', ['gsutil', 'signurl', '-u', 'gs://b/o']],
    ['azure', ['az', 'keyvault', 'secret', 'show', '--vault-name', 'v', '-n', 's']],
    ['azure', ['az', 'storage', 'account', 'keys', 'list', '-n', 'a']],
    ['scaleway', ['scw', 'secret', 'version', 'access', '1', 'revision=latest']],
    ['ovh', ['ovhcloud', 'cloud', 'kube', 'kubeconfig', 'generate', 'c']],
  ];

  it('a sensitive command stays sensitive (or is refused) whatever arguments are added', () => {
    for (const [p, argv] of SENSITIVE) expect(classify(p, argv).class, argv.join(' ')).toBe('sensitive');
    fc.assert(
      fc.property(fc.constantFrom(...SENSITIVE), fc.array(token, { maxLength: 6 }), fc.nat(), ([provider, argv], extra, at) => {
        // Appended: put before a positional they would change what it means (kubectl get TYPE NAME).
        void at;
        const cmd = [...argv, ...extra];
        const c = classify(provider, cmd).class;
        // Help flags are not generated, so nothing here only prints help.
        expect(['sensitive', 'rejected']).toContain(c);
      }),
      { numRuns: 1500 },
    );
  });

  /** Refused commands: a dry-run spelling anywhere must not make them runnable. */
  const REFUSED: Array<[ProviderId, string]> = [
    ['aws', 'aws ec2 describe-instances --cli-input-json file:///proc/1/environ'],
    ['aws', 'aws s3 ls --endpoint-url http://127.0.0.1:8000'],
    ['aws', 'aws s3 cp /etc/passwd s3://b/x'],
    ['aws', 'aws ssm start-session --target i-1'],
    ['aws', 'aws configure set region x'],
    ['gcp', 'gcloud ai-platform local train --module-name=timeit --package-path=/tmp'],
    ['gcp', 'gcloud compute ssh vm'],
    ['gcp', 'gcloud storage rsync ./site gs://b'],
    ['gcp', 'gcloud config set project p'],
    ['gcp', 'kubectl kustomize /tmp/k --enable-helm'],
    ['gcp', 'kubectl apply -f manifest.yaml'],
    ['gcp', 'kubectl exec pod -- id'],
    ['gcp', 'kubectl delete pods --all --kubeconfig /etc/k'],
    ['gcp', 'gsutil rsync -r ./site gs://b'],
    ['gcp', 'bq --flagfile=/etc/passwd query "DELETE FROM t WHERE true"'],
    ['azure', 'az storage blob delete-batch -s c --account-name a --pattern @/etc/passwd'],
    ['azure', 'az deployment group create -g rg --template-file t.json'],
    ['scaleway', 'scw config set secret-key=x'],
    ['ovh', 'ovhcloud config set-endpoint ovh-eu'],
  ];

  it('a dry-run flag never turns a refused command into a runnable one', () => {
    for (const [p, c] of REFUSED) expect(analyzeCommand(p, c).class, c).toBe('rejected');
    fc.assert(
      // (-n is gsutil rsync's dry run but kubectl's namespace, which takes the next token: not generated here.)
      fc.property(fc.constantFrom(...REFUSED), fc.array(fc.constantFrom(...DRY_RUNS.filter((d) => d !== '-n')), { minLength: 1, maxLength: 3 }), fc.nat(), ([provider, command], dry, at) => {
        const words = command.split(' ');
        // Before any `--` (a dry-run flag after it is not a flag at all).
        const end = words.includes('--') ? words.indexOf('--') : words.length;
        const pos = 1 + (at % end);
        const cmd = [...words.slice(0, pos), ...dry, ...words.slice(pos)].join(' ');
        expect(analyzeCommand(provider, cmd).class).toBe('rejected');
      }),
      { numRuns: 1500 },
    );
  });
});
