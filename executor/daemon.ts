/**
 * The local executor: a process of its own, started by the local runtime (executor/launch.ts)
 * with an empty environment and one JSON argument (its CLI directories, the ports of the
 * simulated clouds, the paths runs must never see). It answers one request per connection on its
 * unix socket (a JSON line each way, the contract of executor/contract.ts) and runs each in a
 * fresh sandbox (executor/sandbox.ts). Where the sandbox cannot be built it says why on its first
 * line and refuses every run, unless the runtime allowed unisolated runs (CLOUD_TOOL_UNISOLATED).
 * It exits when the runtime closes its stdin or goes away.
 */
import { createServer, type Socket } from 'node:net';
import { mkdir, rm } from 'node:fs/promises';
import { EXECUTOR_CONTRACT_VERSION, execRequest, type ExecResult } from './contract.ts';
import { runDirect } from './direct.ts';
import { exposurePlan } from './mounts.ts';
import { findTools, prepareEtc, probeSandbox, readInit, SandboxPool, type SandboxContext } from './sandbox.ts';

export interface DaemonConfig {
  socket: string;
  /** private directory (0700) for the sandboxes' /etc and egress sockets */
  runtimeDir: string;
  toolPath: string[];
  forwards: number[];
  protect: string[];
  allowUnisolated: boolean;
  /** HOME parent of unisolated runs */
  workDir: string;
  poolSize: number;
  /** bubblewrap's path, when not in a standard place */
  bwrap?: string;
}

export interface ReadyLine {
  ready: true;
  isolation: 'namespaces' | 'none' | 'refused';
  reason?: string;
  refused: Array<{ dir: string; reason: string }>;
  path: string[];
}

const MAX_REQUEST_BYTES = 4 * 1024 * 1024;

async function main() {
  const cfg = JSON.parse(process.argv[2] ?? '{}') as DaemonConfig;
  await mkdir(cfg.runtimeDir, { recursive: true, mode: 0o700 });
  const plan = exposurePlan(cfg.toolPath, [...cfg.protect, cfg.runtimeDir]);
  const tools = findTools(cfg.bwrap);
  let pool: SandboxPool | null = null;
  let reason: string | undefined;
  if (!tools.bwrap) reason = cfg.bwrap ? `bubblewrap is not at ${cfg.bwrap}` : 'bubblewrap (bwrap) is not installed';
  else if (!tools.python) reason = 'no system python3 for the sandbox init';
  else {
    prepareEtc(cfg.runtimeDir);
    const ctx: SandboxContext = { bwrap: tools.bwrap, python: tools.python, init: readInit(), plan, runtimeDir: cfg.runtimeDir, forwards: cfg.forwards };
    const probe = probeSandbox(ctx);
    if (probe.ok) pool = new SandboxPool(ctx, cfg.poolSize);
    else reason = probe.reason;
  }
  const isolation: ReadyLine['isolation'] = pool ? 'namespaces' : cfg.allowUnisolated ? 'none' : 'refused';

  const run = async (raw: unknown): Promise<ExecResult> => {
    const parsed = execRequest.safeParse(raw);
    const runId = typeof (raw as { runId?: unknown })?.runId === 'string' ? String((raw as { runId: string }).runId).slice(0, 64) : 'invalid-request';
    const base = { version: EXECUTOR_CONTRACT_VERSION, runId: /^[A-Za-z0-9_-]{8,64}$/.test(runId) ? runId : 'invalid-request' } as const;
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return { ...base, isolation: pool ? 'namespaces' : 'none', status: 'unavailable', reason: `invalid request: ${issue?.path.join('.')} ${issue?.message}`, executorMs: 0 };
    }
    if (pool) return pool.run(parsed.data);
    if (cfg.allowUnisolated) return runDirect(parsed.data, { toolPath: plan.path, workDir: cfg.workDir, isolation: 'none' });
    return { ...base, isolation: 'none', status: 'unavailable', reason: `no isolation on this machine (${reason}); set CLOUD_TOOL_UNISOLATED=allow to run CLIs without it`, executorMs: 0 };
  };

  const server = createServer((conn: Socket) => {
    let buf = '';
    conn.setEncoding('utf8');
    conn.on('error', () => conn.destroy());
    conn.on('data', (chunk: string) => {
      buf += chunk;
      if (buf.length > MAX_REQUEST_BYTES) return conn.destroy();
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      conn.removeAllListeners('data');
      let raw: unknown;
      try {
        raw = JSON.parse(buf.slice(0, nl));
      } catch {
        raw = null;
      }
      void run(raw)
        .catch((e: unknown): ExecResult => ({ version: EXECUTOR_CONTRACT_VERSION, runId: 'invalid-request', isolation: pool ? 'namespaces' : 'none', status: 'unavailable', reason: `the executor failed: ${(e as Error).message}`.slice(0, 300), executorMs: 0 }))
        .then((r) => conn.end(JSON.stringify(r) + '\n'));
    });
  });
  await new Promise<void>((ok) => server.listen(cfg.socket, ok));

  const ready: ReadyLine = { ready: true, isolation, reason, refused: plan.refused, path: plan.path };
  process.stdout.write(JSON.stringify(ready) + '\n');

  let stopping = false;
  const stop = async () => {
    if (stopping) return;
    stopping = true;
    server.close();
    await pool?.close();
    // the runtime removes it too; this covers a runtime that died without closing
    await rm(cfg.runtimeDir, { recursive: true, force: true });
    process.exit(0);
  };
  process.stdin.on('end', () => void stop());
  process.stdin.on('close', () => void stop());
  process.stdin.resume();
  process.on('SIGTERM', () => void stop());
  process.on('SIGINT', () => undefined);
}

void main().catch((e: unknown) => {
  process.stdout.write(JSON.stringify({ ready: false, reason: (e as Error).message }) + '\n');
  process.exit(1);
});


