import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

/** `npm start` as a user runs it: a child process, real HTTP, Ctrl-C, restart on the same data. */
const dataDir = mkdtempSync(join(tmpdir(), 'aurora-start-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

async function start(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['scripts/start.ts', '--port', '0', '--data-dir', dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  const url = await new Promise<string>((resolve, reject) => {
    let buf = '';
    const timer = setTimeout(() => reject(new Error(`not ready: ${buf}`)), 15000);
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const m = /"msg":"aurora-connectors ready","url":"([^"]+)"/.exec(buf);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${buf}`)));
  });
  return { child, url };
}

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill('SIGINT');
  });
}

describe('npm start', () => {
  it('serves the API on embedded defaults, keeps data across a restart and stops cleanly on Ctrl-C', async () => {
    const first = await start();
    const list = await fetch(`${first.url}/api/user_connections`, { headers: { 'x-user-id': 'u1' } });
    expect(list.status).toBe(200);
    expect(await list.json()).toEqual([]);
    const put = await fetch(`${first.url}/api/user/provider-preference`, {
      method: 'PUT',
      headers: { 'x-user-id': 'u1', 'content-type': 'application/json' },
      body: JSON.stringify({ provider_preference: ['azure', 'gcp'] }),
    });
    expect(put.status).toBe(200);
    expect(await stop(first.child)).toBe(0);

    const second = await start();
    const pref = await fetch(`${second.url}/api/user/provider-preference`, { headers: { 'x-user-id': 'u1' } });
    expect(await pref.json()).toEqual({ provider_preference: ['azure', 'gcp'] });
    expect(await stop(second.child)).toBe(0);
  });
});
