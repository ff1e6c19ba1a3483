import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * `npm start` the way a new user gets it wrong: twice on one data dir, on a port that is taken,
 * and after a crash. Each mistake is one line that says what to do, never a stack.
 */
const dirs: string[] = [];
const tempDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'aurora-start-errors-'));
  dirs.push(d);
  return d;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

interface Started {
  child: ChildProcess;
  url?: string;
  output: () => string;
  exited: Promise<number | string | null>;
}

/** Start scripts/start.ts; resolves once it is ready or has exited. */
async function start(dataDir: string, port = '0'): Promise<Started> {
  const child = spawn(process.execPath, ['scripts/start.ts', '--port', port, '--data-dir', dataDir], { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH } });
  let out = '';
  // a death by signal reads as its name, so an unexpected one says which it was
  const exited = new Promise<number | string | null>((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal)));
  const url = await new Promise<string | undefined>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`neither ready nor exited: ${out}`)), 20000);
    const onData = (d: Buffer) => {
      out += d.toString();
      const m = /"msg":"aurora-connectors ready","url":"([^"]+)"/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    void exited.then(() => {
      clearTimeout(timer);
      resolve(undefined);
    });
  });
  return { child, url, output: () => out, exited };
}

const lines = (s: string) => s.split('\n').filter((l) => l.trim() !== '');

describe('npm start mistakes', () => {
  it('a second npm start on the same data dir: one line naming the dir and the running pid, exit 1; the first keeps serving', async () => {
    const dataDir = tempDir();
    const first = await start(dataDir);
    expect(first.url).toBeDefined();
    try {
      const second = await start(dataDir);
      expect(await second.exited).toBe(1);
      const out = lines(second.output());
      expect(out).toHaveLength(1);
      expect(out[0]).toMatch(new RegExp(`^aurora-connectors: the data dir .*${dataDir.split('/').pop()} is in use by npm start \\(pid ${first.child.pid}\\): stop it first, or use another one with --data-dir <dir>$`));
      expect(second.output()).not.toMatch(/Database is closed|\n\s+at /);
      const r = await fetch(`${first.url}/api/user_connections`, { headers: { 'x-user-id': 'u1' } });
      expect(r.status).toBe(200);
    } finally {
      first.child.kill('SIGINT');
      expect(await first.exited).toBe(0);
    }
    expect(existsSync(join(dataDir, 'runtime.lock'))).toBe(false);
  });

  it('a busy port: one line naming the port and --port, exit 1, and the data dir is left free', async () => {
    const first = await start(tempDir());
    try {
      const port = new URL(first.url!).port;
      const otherDir = tempDir();
      const second = await start(otherDir, port);
      expect(await second.exited).toBe(1);
      expect(lines(second.output())).toEqual([`aurora-connectors: port ${port} is already in use (another npm start?): stop what uses it, or start with --port <another port>`]);
      expect(existsSync(join(otherDir, 'runtime.lock'))).toBe(false);
      // the same dir starts fine on a free port
      const third = await start(otherDir);
      expect(third.url).toBeDefined();
      third.child.kill('SIGINT');
      expect(await third.exited).toBe(0);
    } finally {
      first.child.kill('SIGINT');
      await first.exited;
    }
  });

  it('after a crash (SIGKILL) the lock it left is taken over and the data is there', async () => {
    const dataDir = tempDir();
    const first = await start(dataDir);
    const put = await fetch(`${first.url}/api/user/provider-preference`, { method: 'PUT', headers: { 'x-user-id': 'u1', 'content-type': 'application/json' }, body: JSON.stringify({ provider_preference: ['ovh', 'aws'] }) });
    expect(put.status).toBe(200);
    first.child.kill('SIGKILL');
    await first.exited;
    expect(JSON.parse(readFileSync(join(dataDir, 'runtime.lock'), 'utf8')).pid).toBe(first.child.pid);
    const again = await start(dataDir);
    try {
      expect(again.url).toBeDefined();
      const pref = await fetch(`${again.url}/api/user/provider-preference`, { headers: { 'x-user-id': 'u1' } });
      expect(await pref.json()).toEqual({ provider_preference: ['ovh', 'aws'] });
    } finally {
      again.child.kill('SIGINT');
      await again.exited;
    }
  });
});

describe('npm start with settings that contradict each other', () => {
  it('JWT_ISSUER with AUTH_MODE=trusted-header: one line naming both, exit 1, nothing served and no lock left', async () => {
    const dataDir = tempDir();
    const child = spawn(process.execPath, ['scripts/start.ts', '--port', '0', '--data-dir', dataDir], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { PATH: process.env.PATH, JWT_ISSUER: 'https://issuer.example', AUTH_MODE: 'trusted-header' },
    });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    const code = await new Promise<number | string | null>((resolve) => child.once('exit', (c, s) => resolve(c ?? s)));
    expect(code).toBe(1);
    expect(lines(out)).toEqual([
      'aurora-connectors: AUTH_MODE=trusted-header cannot be combined with JWT_ISSUER: anyone could act as any user by sending X-User-ID; use AUTH_MODE=jwt, or unset JWT_ISSUER',
    ]);
    expect(out).not.toMatch(/aurora-connectors ready|\n\s+at /);
    expect(existsSync(join(dataDir, 'runtime.lock'))).toBe(false);
  });
});
