/**
 * The local server under load, for `npm run bench` (`load`): `npm start -- --simulate` in a process
 * of its own (so its RSS is the server's alone, read from /proc), then 50 concurrent clients,
 * each its own user, cycling through list (GET /api/user_connections), status (GET /aws/status
 * of one of its accounts: a live STS check against the simulator) and connect (POST /aws/auth of
 * one of its 4 accounts again), through the local gateway until `requests` requests. The
 * connections stay bounded (50 users × 4 accounts), the audit records do not (every connect
 * writes one), so some growth of the embedded store is data; what grows beyond that is held by the
 * server (docs/performance.md). RSS is read once `rssFirstAt` requests are done (5 000) and at the end.
 * `node scripts/bench-load.ts [--requests 40000]` prints it alone.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

export interface LoadBench {
  clients: number;
  seconds: number;
  requests: number;
  p50_ms: number;
  p99_ms: number;
  errors_5xx: number;
  /** answers that were neither 2xx nor 5xx, by status */
  other_statuses: Record<string, number>;
  /** RSS of the server once rss_first_at requests were done (5 000, or an eighth of a smaller run) */
  rss_mb_5k: number;
  rss_first_at: number;
  /** RSS of the server after the last request */
  rss_mb_40k: number;
  /** every client's connections afterwards: its 4 accounts, connected (the invariant under load) */
  connections_ok: boolean;
}

const CLIENTS = 50;
const ACCOUNTS_PER_CLIENT = 4;

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for process ${pid}`);
  return Math.round(Number(m[1]) / 102.4) / 10;
}

async function startServer(dataDir: string, nodeFlags: string[], env: NodeJS.ProcessEnv): Promise<{ url: string; pid: number; stop: () => Promise<void> }> {
  const child = spawn(process.execPath, [...nodeFlags, resolve('scripts/start.ts'), '--simulate', '--port', '0', '--data-dir', dataDir], {
    env: { ...env, LOG_LEVEL: env.LOG_LEVEL ?? 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => void (stderr = (stderr + d.toString()).slice(-4000)));
  const url = await new Promise<string>((ok, fail) => {
    let buf = '';
    const onData = (d: Buffer) => {
      buf += d.toString();
      const m = /"msg":"aurora-connectors ready".*?"url":"([^"]+)"|"url":"([^"]+)".*?aurora-connectors ready/.exec(buf);
      if (m) {
        // keep reading its log lines (one per request) so the pipe never fills and stalls it
        child.stdout.off('data', onData);
        child.stdout.on('data', () => undefined);
        ok(m[1] ?? m[2]);
      } else if (buf.length > 1_000_000) buf = buf.slice(-100_000);
    };
    child.stdout.on('data', onData);
    child.once('exit', (code) => fail(new Error(`npm start exited ${code} before it was ready: ${stderr}`)));
  });
  return {
    url,
    pid: child.pid!,
    stop: () =>
      new Promise<void>((ok) => {
        if (child.exitCode !== null) return ok();
        child.once('exit', () => ok());
        child.kill('SIGTERM');
      }),
  };
}

export interface LoadOptions {
  requests?: number;
  /** Node flags for the server (--heapsnapshot-signal=SIGUSR2 to look at what it holds) */
  nodeFlags?: string[];
  /** called after each answered request with the server's pid, e.g. to snapshot it */
  onProgress?: (done: number, pid: number) => void;
  /**
   * The server's environment (default: this process's). `npm run bench` passes the one it started
   * with: by the load part, its own in-process runtimes have written their settings into
   * process.env (LOG_LEVEL=silent, the endpoints of simulators and an executor already closed),
   * and a server inheriting them is not the one `npm start` runs.
   */
  env?: NodeJS.ProcessEnv;
}

export async function benchLoad(opts: LoadOptions = {}): Promise<LoadBench> {
  const total = opts.requests ?? 40_000;
  const rssFirstAt = Math.min(5000, Math.ceil(total / 8));
  const dataDir = mkdtempSync(join(tmpdir(), 'aurora-bench-load-'));
  const server = await startServer(dataDir, opts.nodeFlags ?? [], opts.env ?? process.env);
  try {
    const json = { 'content-type': 'application/json' };
    // each client: its user, its External ID, its accounts (connected once before the clock starts)
    const clients = await Promise.all(
      Array.from({ length: CLIENTS }, async (_, c) => {
        const user = `load-${c}`;
        const r = await fetch(`${server.url}/aws/onboarding`, { headers: { 'x-user-id': user } });
        if (r.status !== 200) throw new Error(`bench load: onboarding answered ${r.status}`);
        const ext = ((await r.json()) as { external_id: string }).external_id;
        const accounts = Array.from({ length: ACCOUNTS_PER_CLIENT }, (_, a) => String(200000000000 + c * 100 + a));
        return { user, ext, accounts };
      }),
    );
    for (const cl of clients) {
      for (const a of cl.accounts) {
        const r = await fetch(`${server.url}/aws/auth`, { method: 'POST', headers: { ...json, 'x-user-id': cl.user }, body: JSON.stringify({ role_arn: `arn:aws:iam::${a}:role/AuroraRole`, external_id: cl.ext }) });
        if (r.status !== 200) throw new Error(`bench load: connect answered ${r.status} ${await r.text()}`);
      }
    }
    const latencies: number[] = [];
    const other: Record<string, number> = {};
    let issued = 0;
    let done = 0;
    let errors5xx = 0;
    let rssFirst = 0;
    const started = performance.now();
    await Promise.all(
      clients.map(async (cl, c) => {
        for (let i = c; issued < total; i++) {
          issued++;
          const account = cl.accounts[i % ACCOUNTS_PER_CLIENT];
          const op = i % 3;
          const t = performance.now();
          const r =
            op === 0
              ? await fetch(`${server.url}/api/user_connections`, { headers: { 'x-user-id': cl.user } })
              : op === 1
                ? await fetch(`${server.url}/aws/status?account_id=${account}`, { headers: { 'x-user-id': cl.user } })
                : await fetch(`${server.url}/aws/auth`, { method: 'POST', headers: { ...json, 'x-user-id': cl.user }, body: JSON.stringify({ role_arn: `arn:aws:iam::${account}:role/AuroraRole`, external_id: cl.ext }) });
          await r.arrayBuffer();
          latencies.push(performance.now() - t);
          if (r.status >= 500) errors5xx++;
          else if (r.status >= 300) other[r.status] = (other[r.status] ?? 0) + 1;
          if (++done === rssFirstAt) rssFirst = rssMb(server.pid);
          opts.onProgress?.(done, server.pid);
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const rssLast = rssMb(server.pid);
    // the invariant: whatever happened under load, every client has exactly its accounts, connected
    let connectionsOk = true;
    for (const cl of clients) {
      const list = (await (await fetch(`${server.url}/api/user_connections`, { headers: { 'x-user-id': cl.user } })).json()) as Array<{ provider: string; account_id: string; status: string }>;
      const got = list.filter((x) => x.provider === 'aws' && x.status === 'connected').map((x) => x.account_id).sort();
      if (JSON.stringify(got) !== JSON.stringify([...cl.accounts].sort())) connectionsOk = false;
    }
    const sorted = [...latencies].sort((a, b) => a - b);
    const at = (p: number) => Math.round(sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] * 100) / 100;
    return {
      clients: CLIENTS,
      seconds: Math.round(seconds * 10) / 10,
      requests: done,
      p50_ms: at(50),
      p99_ms: at(99),
      errors_5xx: errors5xx,
      other_statuses: other,
      rss_mb_5k: rssFirst,
      rss_first_at: rssFirstAt,
      rss_mb_40k: rssLast,
      connections_ok: connectionsOk,
    };
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { requests: { type: 'string', default: '40000' } } });
  console.log(JSON.stringify(await benchLoad({ requests: Number(values.requests) }), null, 2));
  process.exit(0);
}
