import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DaemonConfig, ReadyLine } from './daemon.ts';

/**
 * Starts the local executor (executor/daemon.ts) as a separate process for the local runtime:
 * an empty environment (none of the service's settings or credentials), a private 0700 directory
 * outside the data directory for its socket and sandboxes, and its stdin tied to this process so
 * it never outlives the runtime.
 */

export interface LocalExecutor {
  socket: string;
  isolation: ReadyLine['isolation'];
  reason?: string;
  refused: ReadyLine['refused'];
  /** the PATH runs get inside the sandbox */
  path: string[];
  pid: number;
  close(): Promise<void>;
}

export interface LocalExecutorOptions {
  toolPath: string[];
  /** 127.0.0.1 ports runs may reach (the simulated clouds) */
  forwards: number[];
  /** paths no run may see, even if a CLI directory would contain them */
  protect: string[];
  allowUnisolated: boolean;
  workDir?: string;
  poolSize?: number;
  bwrap?: string;
  /** told when the executor stops on its own (its last stderr line, if any) */
  onExit?: (code: number | null, lastError: string) => void;
}

export async function startLocalExecutor(o: LocalExecutorOptions): Promise<LocalExecutor> {
  // Short: unix socket paths are limited to about 100 characters.
  const runtimeDir = await mkdtemp(join(tmpdir(), 'aurora-x-'));
  const cfg: DaemonConfig = {
    socket: join(runtimeDir, 'executor.sock'),
    runtimeDir,
    toolPath: o.toolPath,
    forwards: o.forwards,
    protect: o.protect,
    allowUnisolated: o.allowUnisolated,
    workDir: o.workDir ?? tmpdir(),
    poolSize: o.poolSize ?? 2,
    bwrap: o.bwrap,
  };
  const child = spawn(process.execPath, [join(import.meta.dirname, 'daemon.ts'), JSON.stringify(cfg)], { env: {}, stdio: ['pipe', 'pipe', 'pipe'], cwd: '/' });
  const exited = new Promise<void>((ok) => child.once('exit', () => ok()));
  const ready = await new Promise<ReadyLine>((ok, fail) => {
    let out = '';
    let err = '';
    const timer = setTimeout(() => fail(new Error('the local executor did not start within 30 s')), 30_000);
    child.stderr.on('data', (c: Buffer) => {
      err = (err + c.toString('utf8')).slice(-2000);
    });
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString('utf8');
      const nl = out.indexOf('\n');
      if (nl < 0) return;
      clearTimeout(timer);
      const line = JSON.parse(out.slice(0, nl)) as ReadyLine | { ready: false; reason: string };
      if (line.ready) ok(line);
      else fail(new Error(`the local executor failed to start: ${line.reason}`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`the local executor exited (${code}) before it was ready${err ? `: ${err.trim().split('\n').pop()}` : ''}`));
    });
  });
  child.stdout.resume();
  let lastError = '';
  child.stderr.on('data', (c: Buffer) => {
    lastError = (lastError + c.toString('utf8')).slice(-2000);
  });
  let closing = false;
  void exited.then(() => {
    if (!closing) o.onExit?.(child.exitCode, lastError.trim().split('\n').pop() ?? '');
  });
  return {
    socket: cfg.socket,
    isolation: ready.isolation,
    reason: ready.reason,
    refused: ready.refused,
    path: ready.path,
    pid: child.pid!,
    close: async () => {
      closing = true;
      child.stdin.end();
      const t = setTimeout(() => child.kill('SIGKILL'), 5000);
      await exited;
      clearTimeout(t);
      await rm(runtimeDir, { recursive: true, force: true });
    },
  };
}
