import { tmpdir } from 'node:os';
import { dirname, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { capText, cleanText } from '../../lib/commands/execute.ts';
import { applyScope } from '../../lib/commands/scope.ts';
import { displayCommand, redactArgv, shapeOutput } from '../../lib/commands/output.ts';
import { runHash } from '../../lib/commands/confirmations.ts';
import { runDirect } from '../../executor/direct.ts';

// How a run is shown and bound; running itself is the executor's (test/unit/executor.test.ts).

const FAKE = resolve('test/fixtures/fake-cli');
const PATH = [FAKE, dirname(process.execPath)];

async function fake(cli: string, args: string[]) {
  const r = await runDirect(
    { version: 1, runId: 'unit-output-run', argv: [cli, ...args], env: {}, files: [], prepare: [], timeoutMs: 10000, killGraceMs: 300, maxOutputBytes: 400000 },
    { toolPath: PATH, workDir: tmpdir(), isolation: 'none' },
  );
  if (r.status !== 'completed') throw new Error(`fake ${cli} did not run: ${r.status}`);
  return { r };
}

describe('output shaping', () => {
  it('strips ANSI escapes, NUL and carriage returns', async () => {
    const { r } = await fake('scw', ['__fake_ansi__']);
    expect(cleanText(r.stdout.text)).toBe('red plain nul\ndone\n');
  });

  it('caps text with a note', () => {
    expect(capText('abcdef', 10, false)).toEqual({ text: 'abcdef', truncated: false });
    const c = capText('x'.repeat(20), 10, false);
    expect(c.truncated).toBe(true);
    expect(c.text).toBe(`${'x'.repeat(10)}\n[output truncated: showing the first 10 of 20 characters]`);
    expect(capText('x'.repeat(5), 10, true).text).toMatch(/of more than 5 characters/);
  });

  const result = (stdout: string, stderr = '', extra: Partial<{ overflow: boolean }> = {}) => ({
    exitCode: 0,
    signal: null,
    timedOut: false,
    durationMs: 1,
    stdout: { text: stdout, bytes: stdout.length, overflow: extra.overflow ?? false },
    stderr: { text: stderr, bytes: stderr.length, overflow: false },
  });

  it('parses JSON output, keeps text as text, shows stderr when stdout is empty', () => {
    expect(shapeOutput(result('[{"a":1}]\n', 'warn\n'), [], 100)).toEqual({ output: [{ a: 1 }], stderr: 'warn\n', truncated: false });
    expect(shapeOutput(result('NAME  ZONE\nvm-1  eu\n'), [], 100).output).toBe('NAME  ZONE\nvm-1  eu\n');
    expect(shapeOutput(result('', 'ERROR: denied\n'), [], 100).output).toBe('ERROR: denied\n');
  });

  it('does not parse JSON that had to be cut, and cuts it with the note', () => {
    const big = JSON.stringify(Array.from({ length: 50 }, (_, i) => ({ i })));
    const s = shapeOutput(result(big), [], 100);
    expect(typeof s.output).toBe('string');
    expect(s.truncated).toBe(true);
    expect(s.output).toMatch(/\[output truncated: showing the first 100 of \d+ characters\]$/);
  });

  it('replaces the credential values handed to the CLI wherever they are printed', () => {
    const s = shapeOutput(result('key=AKIASECRETVALUE123 again AKIASECRETVALUE123', 'tok AKIASECRETVALUE123'), ['AKIASECRETVALUE123'], 1000);
    expect(JSON.stringify(s)).not.toContain('AKIASECRETVALUE123');
    expect(s.output).toBe('key=[redacted] again [redacted]');
  });
});

describe('selected_project_id as each CLI expects it', () => {
  it('gcloud: --project=, before a -- marker; same value accepted; a different one refused', () => {
    expect(applyScope(['gcloud', 'compute', 'instances', 'list'], 'p-1').argv).toEqual(['gcloud', 'compute', 'instances', 'list', '--project=p-1']);
    expect(applyScope(['gcloud', 'x', '--', 'y'], 'p-1').argv).toEqual(['gcloud', 'x', '--project=p-1', '--', 'y']);
    expect(applyScope(['gcloud', 'x', '--project', 'p-1'], 'p-1').argv).toEqual(['gcloud', 'x', '--project', 'p-1']);
    expect(() => applyScope(['gcloud', 'x', '--project=p-2'], 'p-1')).toThrow(/p-2/);
    expect(() => applyScope(['gcloud', 'x', '--project', 'p-2'], 'p-1')).toThrow(expect.objectContaining({ code: 'project_conflict', status: 400 }));
  });

  it('bq: global --project_id= before the command; gsutil: the boto default project option', () => {
    expect(applyScope(['bq', 'ls', '-n', '5'], 'p-1').argv).toEqual(['bq', '--project_id=p-1', 'ls', '-n', '5']);
    expect(applyScope(['gsutil', 'ls'], 'p-1').argv).toEqual(['gsutil', '-o', 'GSUtil:default_project_id=p-1', 'ls']);
    expect(() => applyScope(['gsutil', 'mb', '-p', 'other', 'gs://b'], 'p-1')).toThrow(/other/);
  });

  it('az: --subscription= except for tenant-level groups; scw: its default-project variable; ovhcloud: --cloud-project on cloud commands', () => {
    expect(applyScope(['az', 'vm', 'list'], 'sub-1').argv).toEqual(['az', 'vm', 'list', '--subscription=sub-1']);
    expect(applyScope(['az', 'account', 'show'], 'sub-1').argv).toEqual(['az', 'account', 'show']);
    expect(() => applyScope(['az', 'vm', 'list', '--subscription', 'sub-2'], 'sub-1')).toThrow(/sub-2/);
    expect(applyScope(['scw', 'instance', 'server', 'list'], 'proj-1')).toEqual({ argv: ['scw', 'instance', 'server', 'list'], env: { SCW_DEFAULT_PROJECT_ID: 'proj-1' } });
    expect(() => applyScope(['scw', 'instance', 'server', 'list', 'project-id=proj-2'], 'proj-1')).toThrow(/proj-2/);
    expect(applyScope(['ovhcloud', 'cloud', 'instance', 'list'], 'abc').argv).toEqual(['ovhcloud', 'cloud', 'instance', 'list', '--cloud-project=abc']);
    expect(applyScope(['ovhcloud', 'vps', 'list'], 'abc').argv).toEqual(['ovhcloud', 'vps', 'list']);
  });

  it('leaves CLIs without a project notion and unscoped commands alone', () => {
    expect(applyScope(['kubectl', 'get', 'pods'], 'p-1')).toEqual({ argv: ['kubectl', 'get', 'pods'], env: {} });
    expect(applyScope(['aws', 's3', 'ls'], '123456789012')).toEqual({ argv: ['aws', 's3', 'ls'], env: {} });
    expect(applyScope(['gcloud', 'x'], undefined).argv).toEqual(['gcloud', 'x']);
  });
});

describe('what a confirmation binds', () => {
  const base = { provider: 'gcp' as const, accountId: 'a@example.com', argv: ['gcloud', 'compute', 'instances', 'delete', 'vm-1', '--project=p-1'], env: {} };
  it('changes with any argument, the account, the provider or the scope', () => {
    const h = runHash(base);
    expect(runHash({ ...base })).toBe(h);
    expect(runHash({ ...base, argv: [...base.argv.slice(0, 4), 'vm-2', '--project=p-1'] })).not.toBe(h);
    expect(runHash({ ...base, argv: ['gcloud', 'compute', 'instances', 'delete', 'vm-1 --project=p-1'] })).not.toBe(h);
    expect(runHash({ ...base, accountId: 'b@example.com' })).not.toBe(h);
    expect(runHash({ ...base, provider: 'aws' })).not.toBe(h);
    expect(runHash({ ...base, env: { SCW_DEFAULT_PROJECT_ID: 'x' } })).not.toBe(h);
  });
});

describe('display and audit forms of argv', () => {
  it('quotes for reading', () => {
    expect(displayCommand(['gcloud', 'compute', 'instances', 'list', `--filter=name~'web|api'`])).toBe(`gcloud compute instances list '--filter=name~'\\''web|api'\\'''`);
    expect(displayCommand(['aws', 's3', 'ls', 's3://bucket/a b'])).toBe(`aws s3 ls 's3://bucket/a b'`);
  });

  it('redacts credential values the user typed, keeps ids', () => {
    expect(redactArgv(['aws', 'secretsmanager', 'put-secret-value', '--secret-id', 'db', '--secret-string', 'hunter2hunter2'])).toEqual([
      'aws',
      'secretsmanager',
      'put-secret-value',
      '--secret-id',
      'db',
      '--secret-string',
      '[redacted]',
    ]);
    expect(redactArgv(['az', 'ad', 'sp', 'credential', 'reset', '--password=abc'])).toEqual(['az', 'ad', 'sp', 'credential', 'reset', '--password=[redacted]']);
    expect(redactArgv(['scw', 'iam', 'api-key', 'get', 'secret-key=abc'])).toEqual(['scw', 'iam', 'api-key', 'get', 'secret-key=[redacted]']);
    expect(redactArgv(['gcloud', 'compute', 'instances', 'list'])).toEqual(['gcloud', 'compute', 'instances', 'list']);
  });
});
