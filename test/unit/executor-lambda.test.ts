import { spawn, spawnSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The deployed executor's runtime loop (executor/lambda.ts) against a stand-in of the Lambda
 * Runtime API, in a PID namespace of its own (as a Lambda sandbox is a machine of its own): it
 * answers each invocation, keeps going while runs leave nothing, and exits once a run left a
 * process behind, so Lambda would start the next invocation in a fresh sandbox.
 */

const FAKE = resolve('test/fixtures/fake-cli');
const UNSHARE = ['/usr/bin/unshare', '/bin/unshare'].find((p) => spawnSync(p, ['--pid', '--fork', '--mount-proc', 'true']).status === 0);
const canUnshare = UNSHARE !== undefined;
if (!canUnshare) console.warn('executor-lambda.test: skipping: this machine cannot create PID namespaces (unshare --pid)');

interface Invocation {
  id: string;
  body: unknown;
}

let server: Server;
let port = 0;
const queue: Invocation[] = [];
const waiting: Array<() => void> = [];
const responses = new Map<string, unknown>();
const answered: Array<() => void> = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    const url = req.url ?? '';
    if (req.method === 'GET' && url === '/2018-06-01/runtime/invocation/next') {
      const serve = () => {
        const next = queue.shift()!;
        res.writeHead(200, { 'lambda-runtime-aws-request-id': next.id, 'lambda-runtime-deadline-ms': String(Date.now() + 30000), 'content-type': 'application/json' });
        res.end(JSON.stringify(next.body));
      };
      if (queue.length) serve();
      else waiting.push(serve);
      return;
    }
    const m = /^\/2018-06-01\/runtime\/invocation\/([^/]+)\/response$/.exec(url);
    if (req.method === 'POST' && m) {
      let text = '';
      req.on('data', (c) => (text += c));
      req.on('end', () => {
        responses.set(decodeURIComponent(m[1]), JSON.parse(text));
        res.writeHead(202).end();
        answered.splice(0).forEach((f) => f());
      });
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise<void>((ok) => server.close(() => ok()));
});

function invoke(id: string, body: unknown): Promise<any> {
  queue.push({ id, body });
  waiting.splice(0).forEach((f) => f());
  return new Promise((ok) => {
    const check = () => (responses.has(id) ? ok(responses.get(id)) : answered.push(check));
    check();
  });
}

const request = (runId: string, argv: string[]) => ({ version: 1, runId, argv, env: {}, files: [], prepare: [], timeoutMs: 10000, killGraceMs: 300, maxOutputBytes: 100000 });

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

describe.skipIf(!canUnshare)('the deployed executor (Lambda Runtime API)', () => {
  it('answers runs, and exits after one that left a process behind, killing it', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'lambda-tmp-'));
    const child = spawn(UNSHARE!, ['--pid', '--fork', '--mount-proc', process.execPath, resolve('executor/lambda.ts')], {
      env: { AWS_LAMBDA_RUNTIME_API: `127.0.0.1:${port}`, PATH: `${FAKE}:${dirname(process.execPath)}`, TMPDIR: tmp },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    const exited = new Promise<number | null>((ok) => child.once('exit', (code) => ok(code)));
    let gone = false;
    void exited.then(() => (gone = true));

    const clean = await invoke('req-1', request('lambda-run-1', ['gcloud', 'projects', 'list']));
    expect(clean).toMatchObject({ status: 'completed', exitCode: 0, isolation: 'lambda', survivors: 0 });
    expect(JSON.parse(clean.stdout.text).argv).toEqual(['projects', 'list']);

    const invalid = await invoke('req-2', { version: 1, argv: ['/bin/sh'] });
    expect(invalid).toMatchObject({ status: 'unavailable', reason: expect.stringMatching(/^invalid request/) });
    expect(gone).toBe(false);

    const tag = `lambda-left-${Date.now()}`;
    const dirty = await invoke('req-3', request('lambda-run-3', ['gcloud', `__fake_daemon=${tag}__`]));
    expect(dirty).toMatchObject({ status: 'completed', exitCode: 0 });
    expect(dirty.survivors).toBeGreaterThanOrEqual(1);
    // it ends its runtime (and its namespace, with anything left in it)
    expect(await exited).toBe(0);
    expect(stdout).toMatch(/exiting so Lambda recycles the sandbox/);
    expect(hostProcessesWith(tag)).toEqual([]);
    rmSync(`/tmp/leftover-${tag}`, { force: true });
    rmSync(tmp, { recursive: true, force: true });
  });
});
