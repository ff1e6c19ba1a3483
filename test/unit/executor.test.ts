import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childEnv, execRequest, fileContent, type ExecRequest, type ExecResult } from '../../executor/contract.ts';
import { findBinary, runDirect, runProcess, writeHomeFile } from '../../executor/direct.ts';
import { connectDecision, isPublicAddress } from '../../executor/egress.ts';
import { exposurePlan } from '../../executor/mounts.ts';
import { encodeRun, findTools, parseReport, prepareEtc, probeSandbox, readInit, SandboxPool, type SandboxContext } from '../../executor/sandbox.ts';

const FAKE = resolve('test/fixtures/fake-cli');
const PATH = [FAKE, dirname(process.execPath)];

const request = (argv: string[], o: Partial<ExecRequest> = {}): ExecRequest => ({
  version: 1,
  runId: `unit-${Math.random().toString(36).slice(2, 10)}`,
  argv,
  env: {},
  files: [],
  prepare: [],
  timeoutMs: 15000,
  killGraceMs: 300,
  maxOutputBytes: 400000,
  ...o,
});

const completed = (r: ExecResult) => {
  if (r.status !== 'completed') throw new Error(`expected a completed run, got ${JSON.stringify(r)}`);
  return r;
};

function hostProcessesWith(tag: string): number[] {
  const found: number[] = [];
  for (const e of readdirSync('/proc').filter((x) => /^\d+$/.test(x))) {
    try {
      if (readFileSync(`/proc/${e}/cmdline`, 'utf8').includes(tag) && readFileSync(`/proc/${e}/stat`, 'utf8').split(' ')[2] !== 'Z') found.push(Number(e));
    } catch {
      /* gone */
    }
  }
  return found;
}

describe('the contract', () => {
  it('refuses what the executor alone decides: PATH, HOME, proxies; paths outside HOME; programs given as paths', () => {
    expect(execRequest.safeParse(request(['gcloud'])).success).toBe(true);
    for (const bad of [
      request(['gcloud'], { env: { PATH: '/tmp' } }),
      request(['gcloud'], { env: { HTTPS_PROXY: 'http://evil' } }),
      request(['gcloud'], { files: [{ path: '../escape', content: 'x' }] }),
      request(['gcloud'], { files: [{ path: '/etc/passwd', content: 'x' }] }),
      request(['/usr/bin/gcloud']),
      request(['./gcloud']),
      { ...request(['gcloud']), version: 2 },
    ]) {
      expect(execRequest.safeParse(bad).success, JSON.stringify(bad)).toBe(false);
    }
  });

  it('{HOME} stands for the run HOME the executor chooses, in env values and marked files only', () => {
    const env = childEnv({ env: { CLOUDSDK_CONFIG: '{HOME}/.config/gcloud', TOKEN: 'a{HOME}b' } }, { path: '/bin', home: '/home/aurora' });
    expect(env).toEqual({ CLOUDSDK_CONFIG: '/home/aurora/.config/gcloud', TOKEN: 'a/home/aurorab', PATH: '/bin', HOME: '/home/aurora', TMPDIR: '/home/aurora/tmp' });
    expect(fileContent({ path: 'x', content: 'file={HOME}/t', expandHome: true }, '/h')).toBe('file=/h/t');
    expect(fileContent({ path: 'x', content: 'file={HOME}/t' }, '/h')).toBe('file={HOME}/t');
  });
});

describe('egress policy', () => {
  it('public addresses only', () => {
    for (const ip of ['142.250.74.46', '52.94.76.10', '2a00:1450:4007:80e::200e', '8.8.8.8']) expect(isPublicAddress(ip), ip).toBe(true);
    for (const ip of ['127.0.0.1', '127.9.9.9', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.1.1', '169.254.169.254', '100.64.0.1', '100.100.100.100', '0.0.0.0', '224.0.0.1', '255.255.255.255', '::1', '::', 'fe80::1', 'fd7a:115c:a1e0::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1', 'not-an-ip']) {
      expect(isPublicAddress(ip), ip).toBe(false);
    }
  });

  it('checks the address actually dialled: a name that resolves to loopback or metadata does not pass', async () => {
    const resolver = async (host: string) => ({ 'api.example.com': ['93.184.216.34'], 'rebind.example.com': ['93.184.216.34', '127.0.0.1'], 'meta.example.com': ['169.254.169.254'] })[host] ?? [];
    expect(await connectDecision('api.example.com:443', resolver)).toEqual({ ok: true, host: 'api.example.com', address: '93.184.216.34', port: 443 });
    expect(await connectDecision('rebind.example.com:443', resolver)).toMatchObject({ ok: false, reason: expect.stringMatching(/127\.0\.0\.1/) });
    expect(await connectDecision('meta.example.com:80', resolver)).toMatchObject({ ok: false });
    expect(await connectDecision('nowhere.example.com:443', resolver)).toMatchObject({ ok: false, reason: expect.stringMatching(/does not resolve/) });
    expect(await connectDecision('[::1]:443', resolver)).toMatchObject({ ok: false });
    expect(await connectDecision('no-port', resolver)).toMatchObject({ ok: false });
  });
});

describe('what a sandbox exposes of this machine', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'exposure-'));
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("the CLI directories, their programs' real locations and interpreters, never a directory holding a protected path", () => {
    const home = join(root, 'home');
    const repo = join(root, 'repo');
    const data = join(repo, '.data');
    const bin = join(home, 'bin');
    const tool = join(root, 'opt', 'tool', 'bin');
    const interp = join(root, 'opt', 'python', 'bin');
    for (const d of [bin, data, tool, interp, join(repo, 'node_modules', '.bin')]) mkdirSync(d, { recursive: true });
    writeFileSync(join(interp, 'python'), '#!/bin/sh\n');
    writeFileSync(join(tool, 'cli'), `#!${join(interp, 'python')}\n`);
    chmodSync(join(tool, 'cli'), 0o755);
    symlinkSync(join(tool, 'cli'), join(repo, 'node_modules', '.bin', 'cli'));
    const plan = exposurePlan([home, join(repo, 'node_modules', '.bin'), '/usr/bin', 'relative/dir'], [home, repo, data]);
    // HOME itself would expose HOME: refused; the repository's .bin is exposed, with what it links to
    expect(plan.refused).toEqual([{ dir: home, reason: `it contains ${home}, which runs may not see` }]);
    expect(plan.path).toEqual([join(repo, 'node_modules', '.bin'), '/usr/bin']);
    expect(plan.binds).toEqual([join(repo, 'node_modules', '.bin'), join(root, 'opt', 'python'), join(root, 'opt', 'tool')].sort());
    expect(plan.masks).toEqual([]);
  });

  it('an install prefix holding a protected path stays out (its bin directory alone goes in); a protected path under the system directories is hidden', () => {
    const prefix = join(root, 'prefix');
    const secret = join(prefix, 'share', 'secrets');
    mkdirSync(join(prefix, 'bin'), { recursive: true });
    mkdirSync(secret, { recursive: true });
    const plan = exposurePlan([join(prefix, 'bin'), '/usr/bin'], [secret, '/usr/share/doc']);
    expect(plan.binds).toEqual([join(prefix, 'bin')]);
    expect(plan.masks).toEqual(existsSync('/usr/share/doc') ? ['/usr/share/doc'] : []);
  });

  it("pyenv shims become the bin directories of the Python versions pyenv would run, and nothing else of pyenv's root", () => {
    const pyenv = join(root, 'pyenv');
    mkdirSync(join(pyenv, 'shims'), { recursive: true });
    mkdirSync(join(pyenv, 'libexec'), { recursive: true });
    mkdirSync(join(pyenv, 'versions', '3.11.7', 'bin'), { recursive: true });
    writeFileSync(join(pyenv, 'libexec', 'pyenv'), '#!/bin/sh\n[ "$1" = version-name ] && echo 3.11.7:system\n');
    chmodSync(join(pyenv, 'libexec', 'pyenv'), 0o755);
    writeFileSync(join(pyenv, 'shims', 'aws'), '#!/usr/bin/env bash\nexec pyenv exec aws\n');
    const plan = exposurePlan([join(pyenv, 'shims'), '/usr/bin'], [root]);
    expect(plan.path).toEqual([join(pyenv, 'versions', '3.11.7', 'bin'), '/usr/bin']);
    expect(plan.binds).toEqual([join(pyenv, 'versions', '3.11.7')]);
  });
});

describe('the init wire format', () => {
  it('netstrings in, key=value words out', () => {
    const buf = encodeRun(['gcloud', 'a b', 'ü'], { K: 'v,1:2' }, [{ path: 'p/q', content: 'x\ny' }], [{ what: 'az login', argv: ['az', 'login'] }]);
    expect(buf.toString('utf8')).toBe('1:3,6:gcloud,3:a b,2:ü,1:1,1:K,5:v,1:2,1:1,3:p/q,3:x\ny,1:1,8:az login,1:2,2:az,5:login,');
    expect(parseReport('ready=1\nstatus=completed exit=0 signal=- duration=12 survivors=1\n')).toEqual({ status: 'completed', exit: '0', signal: '-', duration: '12', survivors: '1' });
    expect(parseReport('ready=1\n')).toBeNull();
  });
});

describe('direct runs (the deployed executor, and unisolated local runs)', () => {
  const direct = (req: ExecRequest) => runDirect(req, { toolPath: PATH, workDir: tmpdir(), isolation: 'none' });

  it('finds binaries only in the CLI directories, and only bare names', () => {
    expect(findBinary('gcloud', [FAKE])).toBe(`${FAKE}/gcloud`);
    expect(findBinary('gcloud', ['/nonexistent'])).toBeNull();
    expect(findBinary('gcloud', [])).toBeNull();
    expect(findBinary('../fake-cli/gcloud', [FAKE])).toBeNull();
    expect(findBinary('gcloud', ['relative/dir'])).toBeNull();
    expect(findBinary('_fake.cjs', [FAKE])).toBeNull();
  });

  it('passes argv untouched, no shell, exactly the given environment, in a private HOME that is gone afterwards', async () => {
    const args = ['compute', 'instances', 'list', `--filter=name~'web|api'`, 'a b', '$HOME', '`id`', '; rm -rf /', '*'];
    const r = completed(await direct(request(['gcloud', ...args], { env: { CLOUDSDK_CONFIG: '{HOME}/.config/gcloud' }, files: [{ path: '.boto', content: 'x' }] })));
    const o = JSON.parse(r.stdout.text);
    expect(o.argv).toEqual(args);
    expect(o.env_names).toEqual(['AURORA_EXECUTOR_RUN', 'CLOUDSDK_CONFIG', 'HOME', 'PATH', 'TMPDIR']);
    expect(o.home_mode).toBe('700');
    expect(o.cwd).toBe(o.home);
    expect(o.home_files).toEqual(['.boto']);
    expect(existsSync(o.home)).toBe(false);
    expect(r.stdout.sha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('refuses to write outside HOME', async () => {
    const h = mkdtempSync(join(tmpdir(), 'home-'));
    await expect(writeHomeFile(h, '../escape', 'x')).rejects.toThrow(/outside/);
    await expect(writeHomeFile(h, '/etc/passwd', 'x')).rejects.toThrow(/outside/);
    rmSync(h, { recursive: true });
  });

  it('a timeout stops the whole process group, grandchildren ignoring SIGTERM included', async () => {
    const tag = `direct-hang-${Date.now()}`;
    const r = completed(await direct(request(['kubectl', 'get', 'pods', `__fake_hang=${tag}__`], { timeoutMs: 600 })));
    expect(r.timedOut).toBe(true);
    for (let i = 0; i < 40 && hostProcessesWith(tag).length; i++) await new Promise((ok) => setTimeout(ok, 50));
    expect(hostProcessesWith(tag)).toEqual([]);
  });

  it('a daemon in a session of its own is found by the run marker and killed', async () => {
    const tag = `direct-daemon-${Date.now()}`;
    const r = completed(await direct(request(['gcloud', `__fake_daemon=${tag}__`])));
    expect(r.survivors).toBe(1);
    for (let i = 0; i < 40 && hostProcessesWith(tag).length; i++) await new Promise((ok) => setTimeout(ok, 50));
    expect(hostProcessesWith(tag)).toEqual([]);
    rmSync(`/tmp/leftover-${tag}`, { force: true });
  });

  it('reports a missing CLI, a failed preparation step, and bounds output while hashing all of it', async () => {
    expect(await direct(request(['bq-missing']))).toMatchObject({ status: 'not_installed', program: 'bq-missing' });
    const failed = await direct(request(['az', 'vm', 'list'], { files: [{ path: '.azure/s', content: 'reject-me' }], prepare: [{ what: 'az login', argv: ['az', 'login', '--password=@.azure/s'] }] }));
    expect(failed).toMatchObject({ status: 'prepare_failed', what: 'az login', exitCode: 1 });
    const big = completed(await direct(request(['gsutil', 'ls', '__fake_big__'], { maxOutputBytes: 8000 })));
    expect(big.stdout).toMatchObject({ bytes: 120000, overflow: true });
    expect(big.stdout.text.length).toBe(8000);
    const whole = completed(await direct(request(['gsutil', 'ls', '__fake_big__'])));
    expect(big.stdout.sha256).toBe(whole.stdout.sha256);
  });

  it('reports a binary that cannot start', async () => {
    const r = await runProcess({ file: `${FAKE}/_fake.cjs`, args: [], env: {}, cwd: tmpdir(), timeoutMs: 1000, killGraceMs: 100, maxBytes: 100 });
    expect(r.spawnError).toBe('EACCES');
  });
});

const tools = findTools();
describe('closing the pool', () => {
  it('returns when a sandbox killed mid-build left a process holding its pipes', async () => {
    // Stands in for bubblewrap killed between clone() and its child's --die-with-parent: the
    // background process keeps every pipe of the "sandbox" open and ignores its end. close() used
    // to wait for those pipes to close, which then never happened.
    const runtimeDir = mkdtempSync(join(tmpdir(), 'aurora-x-'));
    const fake = join(runtimeDir, 'fake-bwrap');
    const orphans = join(runtimeDir, 'orphans');
    writeFileSync(fake, `#!/bin/sh\nsleep 600 <&0 &\necho $! >> ${orphans}\nexec sleep 600\n`, { mode: 0o755 });
    const pool = new SandboxPool({ bwrap: fake, python: '/usr/bin/python3', init: '', plan: exposurePlan(['/usr/bin'], []), runtimeDir, forwards: [] }, 2);
    // both sandboxes started (each wrote its orphan's pid) before the pool closes
    while ((existsSync(orphans) ? readFileSync(orphans, 'utf8').trim().split('\n').length : 0) < 2) await new Promise((r) => setTimeout(r, 20));
    try {
      await pool.close();
      expect(readdirSync(runtimeDir).filter((f) => f.startsWith('sandbox-'))).toEqual([]);
    } finally {
      for (const pid of readFileSync(orphans, 'utf8').trim().split('\n')) {
        try {
          process.kill(Number(pid), 'SIGKILL');
        } catch {
          // gone
        }
      }
      rmSync(runtimeDir, { recursive: true, force: true });
    }
  });
});

if (!tools.bwrap) console.warn('executor.test: skipping the sandbox tests: bubblewrap (bwrap) is not installed');

describe.skipIf(!tools.bwrap)('sandboxed runs', () => {
  let ctx: SandboxContext;
  let pool: SandboxPool;
  beforeAll(() => {
    const runtimeDir = mkdtempSync(join(tmpdir(), 'aurora-x-'));
    prepareEtc(runtimeDir);
    ctx = { bwrap: tools.bwrap!, python: tools.python!, init: readInit(), plan: exposurePlan([...PATH, '/usr/bin'], [process.cwd() + '/.data']), runtimeDir, forwards: [] };
    expect(probeSandbox(ctx)).toEqual({ ok: true });
    pool = new SandboxPool(ctx, 2);
  });
  afterAll(async () => {
    await pool.close();
    rmSync(ctx.runtimeDir, { recursive: true, force: true });
  });

  it('runs as an unprivileged user with an empty environment but what the request and the executor set', async () => {
    const r = completed(await pool.run(request(['gcloud', 'x'], { env: { A: '{HOME}/a' }, files: [{ path: 'd/f', content: 'c' }] })));
    const o = JSON.parse(r.stdout.text);
    expect(o.env_names).toEqual(['A', 'HOME', 'HTTPS_PROXY', 'NO_PROXY', 'PATH', 'TMPDIR', 'https_proxy', 'no_proxy']);
    expect(o.home).toBe('/home/aurora');
    expect(o.home_files).toEqual(['d/f']);
    expect(r.isolation).toBe('namespaces');
    const id = completed(await pool.run(request(['id'])));
    expect(id.stdout.text).toMatch(/^uid=1000\(aurora\) gid=1000\(aurora\)/);
  });

  it('concurrent runs are apart: each sees its own empty /tmp and only its own processes', async () => {
    const tag = `concurrent-${Date.now()}`;
    const [a, b] = await Promise.all([pool.run(request(['gcloud', `__fake_daemon=${tag}__`])), pool.run(request(['gcloud', `__fake_look=${tag}__`]))]);
    expect(completed(a).survivors).toBe(1);
    expect(JSON.parse(completed(b).stdout.text)).toMatchObject({ tagged_processes: 0, tagged_files: [] });
    expect(hostProcessesWith(tag)).toEqual([]);
  });

  it('a timeout ends the sandbox with everything in it', async () => {
    const tag = `sandbox-hang-${Date.now()}`;
    const r = completed(await pool.run(request(['kubectl', `__fake_hang=${tag}__`], { timeoutMs: 800 })));
    expect(r.timedOut).toBe(true);
    expect(hostProcessesWith(tag)).toEqual([]);
  });

  it('reports a missing CLI and a failed preparation step', async () => {
    expect(await pool.run(request(['bq-missing']))).toMatchObject({ status: 'not_installed', program: 'bq-missing' });
    const failed = await pool.run(request(['az', 'vm', 'list'], { files: [{ path: '.azure/s', content: 'reject-me' }], prepare: [{ what: 'az login', argv: ['az', 'login', '--password=@.azure/s'] }] }));
    expect(failed).toMatchObject({ status: 'prepare_failed', what: 'az login', exitCode: 1 });
  });
});
