import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { capText, cleanText, findBinary, parseJsonOutput, returnCode, runProcess, withTempHome, writeHomeFile } from '../../lib/commands/execute.ts';
import { applyScope } from '../../lib/commands/scope.ts';
import { displayCommand, redactArgv, shapeOutput } from '../../lib/commands/output.ts';
import { runHash } from '../../lib/commands/confirmations.ts';
import { baseEnv } from '../../lib/commands/credentials.ts';

const FAKE = resolve('test/fixtures/fake-cli');
const PATH = [FAKE, dirname(process.execPath)];

async function fake(cli: string, args: string[], o: { timeoutMs?: number; maxChars?: number; env?: Record<string, string> } = {}) {
  return withTempHome(undefined, async (home) => {
    const r = await runProcess({
      file: findBinary(cli, PATH)!,
      args,
      env: { ...baseEnv(home, PATH), ...o.env },
      cwd: home,
      timeoutMs: o.timeoutMs ?? 10000,
      killGraceMs: 300,
      maxChars: o.maxChars ?? 50000,
    });
    return { r, home, json: parseJsonOutput(r.stdout.text) };
  });
}

/** Running (a zombie is dead: killed, waiting for a reaper that a container's PID 1 may never be). */
function alive(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(' ')[2] !== 'Z';
  } catch {
    return false;
  }
}

describe('findBinary', () => {
  it('looks only in the configured directories, and only for bare names', () => {
    expect(findBinary('gcloud', [FAKE])).toBe(`${FAKE}/gcloud`);
    expect(findBinary('gcloud', ['/nonexistent'])).toBeNull();
    // the service's own PATH has a real gcloud on this machine; it must not be found
    expect(findBinary('gcloud', [])).toBeNull();
    expect(findBinary('../fake-cli/gcloud', [FAKE])).toBeNull();
    expect(findBinary('gcloud', ['relative/dir'])).toBeNull();
    expect(findBinary('_fake.cjs', [FAKE])).toBeNull(); // not executable
  });
});

describe('runProcess', () => {
  it('passes argv untouched, with no shell, and only the environment it is given', async () => {
    const args = ['compute', 'instances', 'list', `--filter=name~'web|api'`, 'a b', '$HOME', '`id`', '; rm -rf /', '*'];
    const { r, json } = await fake('gcloud', args);
    expect(r.exitCode).toBe(0);
    expect(json.ok && (json.value as any).argv).toEqual(args);
    expect(json.ok && (json.value as any).env_names).toEqual(['HOME', 'LANG', 'LC_ALL', 'NO_COLOR', 'PATH', 'TERM', 'TMPDIR', 'TZ']);
  });

  it('runs in a private HOME (0700) that is gone afterwards', async () => {
    const a = await fake('aws', []);
    const b = await fake('aws', []);
    const va = (a.json as any).value;
    expect(va.home).toBe(a.home);
    expect(va.home_exists).toBe(true);
    expect(va.home_mode).toBe('700');
    expect(va.cwd).toBe(a.home);
    expect(a.home).not.toBe(b.home);
    expect(existsSync(a.home)).toBe(false);
    expect(existsSync(b.home)).toBe(false);
  });

  it('removes HOME even when the run throws', async () => {
    let home = '';
    await expect(
      withTempHome(undefined, async (h) => {
        home = h;
        await writeHomeFile(h, '.aws/credentials', 'x');
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(home).not.toBe('');
    expect(existsSync(home)).toBe(false);
  });

  it('refuses to write files outside HOME', async () => {
    await withTempHome(undefined, async (h) => {
      await expect(writeHomeFile(h, '../escape', 'x')).rejects.toThrow(/outside/);
      await expect(writeHomeFile(h, '/etc/passwd', 'x')).rejects.toThrow(/outside/);
    });
  });

  it('reports the exit status and keeps stderr apart', async () => {
    const { r } = await fake('bq', ['ls', '__fake_exit=3__']);
    expect(r.exitCode).toBe(3);
    expect(returnCode(r)).toBe(3);
    expect(r.stderr.text).toContain('failed on purpose');
    expect(parseJsonOutput(r.stdout.text).ok).toBe(true);
  });

  it('kills the whole process group on timeout, grandchildren included, even when they ignore SIGTERM', async () => {
    const t0 = Date.now();
    const { r } = await fake('kubectl', ['get', 'pods', '__fake_hang__'], { timeoutMs: 600 });
    expect(r.timedOut).toBe(true);
    expect(returnCode(r)).toBe(124);
    expect(Date.now() - t0).toBeLessThan(5000);
    const pids = JSON.parse(r.stdout.text.trim().split('\n')[0]);
    expect(alive(pids.pid)).toBe(false);
    // SIGKILL is asynchronous; give the kernel a moment to reap
    for (let i = 0; i < 20 && alive(pids.grandchild_pid); i++) await new Promise((ok) => setTimeout(ok, 50));
    expect(alive(pids.grandchild_pid)).toBe(false);
  });

  it('bounds what it keeps of a huge output and says so', async () => {
    const { r } = await fake('gsutil', ['ls', '__fake_big__'], { maxChars: 1000 });
    expect(r.stdout.bytes).toBe(120000);
    expect(r.stdout.overflow).toBe(true);
    expect(r.stdout.text.length).toBe(8000);
  });

  it('reports a binary that cannot start', async () => {
    const r = await withTempHome(undefined, (home) =>
      runProcess({ file: `${FAKE}/_fake.cjs`, args: [], env: {}, cwd: home, timeoutMs: 1000, killGraceMs: 100, maxChars: 100 }),
    );
    expect(r.spawnError).toBe('EACCES');
  });
});

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
