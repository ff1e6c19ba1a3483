/**
 * The deployed executor: the entry point of the executor image (executor/Dockerfile), speaking
 * the Lambda Runtime API itself rather than through a handler, so that it decides when the
 * runtime ends. Each invocation is one request of executor/contract.ts, run by executor/direct.ts
 * in a fresh HOME under /tmp; the Lambda sandbox (a microVM of its own, with this function's role
 * only) is the isolation boundary. Lambda reuses a sandbox for the next invocation, so after each
 * run this process looks for anything the run left: a process that was not there at start (a
 * daemon in a session of its own included) or a new entry in /tmp. If it finds one, it kills and
 * removes what it can, answers, and exits: Lambda then starts the next invocation in a new
 * sandbox, and no run ever sees what a previous one left.
 *
 * Its environment is Lambda's own (AWS_LAMBDA_RUNTIME_API, the image's PATH): no setting of the
 * service. The CLI directories are the image's PATH.
 */
import { readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXECUTOR_CONTRACT_VERSION, execRequest, type ExecResult } from './contract.ts';
import { runDirect } from './direct.ts';

// Not `import { request } from 'node:http'`: an ES import of node:http reads every export to build
// its namespace, and its WebSocket, CloseEvent and MessageEvent getters load undici, about 30 ms
// of every cold start for a process that never uses them (docs/performance.md, "Our DynamoDB client").
const { request } = process.getBuiltinModule('node:http');

const RUNTIME = `http://${process.env.AWS_LAMBDA_RUNTIME_API}/2018-06-01/runtime`;

function call(method: 'GET' | 'POST', path: string, body?: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
  return new Promise((ok, fail) => {
    // no timeout: `next` blocks until there is an invocation (the sandbox is frozen meanwhile)
    const req = request(RUNTIME + path, { method, headers: body === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => ok({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.on('error', fail);
    req.end(body);
  });
}

const processes = () => new Set(readdirSync('/proc').filter((e) => /^\d+$/.test(e)).map(Number));
const tmpEntries = () => new Set(readdirSync(tmpdir()));

/** What a run left behind: processes and /tmp entries that were not there before any run. */
function leftovers(baseline: { pids: Set<number>; tmp: Set<string> }): { pids: number[]; tmp: string[] } {
  return { pids: [...processes()].filter((p) => !baseline.pids.has(p) && p !== process.pid), tmp: [...tmpEntries()].filter((e) => !baseline.tmp.has(e)) };
}

async function main() {
  const baseline = { pids: processes(), tmp: tmpEntries() };
  const toolPath = (process.env.PATH ?? '').split(':').filter((d) => d.startsWith('/'));
  for (;;) {
    const next = await call('GET', '/invocation/next');
    const id = String(next.headers['lambda-runtime-aws-request-id'] ?? '');
    let raw: unknown;
    try {
      raw = JSON.parse(next.text);
    } catch {
      raw = null;
    }
    const parsed = execRequest.safeParse(raw);
    let result: ExecResult;
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      result = { version: EXECUTOR_CONTRACT_VERSION, runId: 'invalid-request', isolation: 'lambda', status: 'unavailable', reason: `invalid request: ${issue?.path.join('.')} ${issue?.message}`, executorMs: 0 };
    } else {
      result = await runDirect(parsed.data, { toolPath, workDir: tmpdir(), isolation: 'lambda' });
    }
    const left = leftovers(baseline);
    for (const pid of left.pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone */
      }
    }
    for (const e of left.tmp) rmSync(join(tmpdir(), e), { recursive: true, force: true });
    if (result.status === 'completed') result.survivors = Math.max(result.survivors, left.pids.length);
    await call('POST', `/invocation/${encodeURIComponent(id)}/response`, JSON.stringify(result));
    if (left.pids.length || left.tmp.length || (result.status === 'completed' && result.survivors > 0)) {
      // Something outlived the run: end this sandbox so the next invocation starts in a new one.
      console.log(JSON.stringify({ msg: 'a run left state behind; exiting so Lambda recycles the sandbox', runId: result.runId, processes: left.pids.length, tmpEntries: left.tmp.length }));
      process.exit(0);
    }
  }
}

void main().catch(async (e: unknown) => {
  await call('POST', '/init/error', JSON.stringify({ errorMessage: (e as Error).message, errorType: 'ExecutorError' })).catch(() => undefined);
  process.exit(1);
});
