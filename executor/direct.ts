import { spawn } from 'node:child_process';
import { constants as fsConstants, accessSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { collector } from './capture.ts';
import { childEnv, fileContent, type ExecRequest, type ExecResult, type StreamResult } from './contract.ts';

/**
 * Runs one request without a sandbox of its own: deployed, where the executor Lambda itself is
 * the isolation boundary, and locally only when CLOUD_TOOL_UNISOLATED=allow says a machine
 * without namespaces may run CLIs anyway. No shell, a process group per step (a timeout stops all
 * it started), a fresh HOME removed afterwards, and every process that carries the run's marker
 * (a daemonised grandchild in a session of its own included) killed when the run ends.
 */

/** The binary in the given directories only; never a relative directory, never a path. */
export function findBinary(name: string, dirs: readonly string[]): string | null {
  if (!name || name.includes('/') || name === '.' || name === '..') return null;
  for (const dir of dirs) {
    if (!isAbsolute(dir)) continue;
    const file = join(dir, name);
    try {
      if (!statSync(file).isFile()) continue;
      accessSync(file, fsConstants.X_OK);
      return file;
    } catch {
      /* not here */
    }
  }
  return null;
}

export interface ProcessResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stdout: StreamResult;
  stderr: StreamResult;
  durationMs: number;
  spawnError?: string;
}

export interface ProcessOptions {
  file: string;
  args: readonly string[];
  env: Readonly<Record<string, string>>;
  cwd: string;
  timeoutMs: number;
  killGraceMs: number;
  maxBytes: number;
}

/**
 * spawn(file, args, {shell:false, detached:true}): the child leads a new process group, so on
 * timeout SIGTERM and then SIGKILL reach everything still in it. When the leader exits the rest of
 * its group is killed too.
 */
export function runProcess(o: ProcessOptions): Promise<ProcessResult> {
  return new Promise((done) => {
    const started = performance.now();
    const out = collector(o.maxBytes);
    const err = collector(o.maxBytes);
    let timedOut = false;
    let exitCode: number | null = null;
    let signal: NodeJS.Signals | null = null;
    let spawnError: string | undefined;
    let finished = false;
    let ended = 0;
    const timers: NodeJS.Timeout[] = [];
    const child = spawn(o.file, [...o.args], { shell: false, env: { ...o.env }, cwd: o.cwd, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    const killGroup = (sig: NodeJS.Signals) => {
      if (!child.pid) return;
      try {
        process.kill(-child.pid, sig);
      } catch {
        /* the group is already gone */
      }
    };
    const finish = () => {
      if (finished) return;
      finished = true;
      for (const t of timers) clearTimeout(t);
      killGroup('SIGKILL');
      child.stdout?.destroy();
      child.stderr?.destroy();
      done({ exitCode, signal, timedOut, stdout: out.result(), stderr: err.result(), durationMs: Math.round((ended || performance.now()) - started), spawnError });
    };
    child.stdout?.on('data', (c: Buffer) => out.push(c));
    child.stderr?.on('data', (c: Buffer) => err.push(c));
    child.on('error', (e: NodeJS.ErrnoException) => {
      spawnError = e.code ?? 'spawn_failed';
      finish();
    });
    child.on('exit', (code, sig) => {
      ended = performance.now();
      exitCode = code;
      signal = sig;
      killGroup('SIGKILL');
    });
    child.on('close', finish);
    timers.push(
      setTimeout(() => {
        timedOut = true;
        killGroup('SIGTERM');
        timers.push(setTimeout(() => killGroup('SIGKILL'), o.killGraceMs));
      }, o.timeoutMs),
    );
    // A descendant that left the group could hold the pipes open forever; never wait for it.
    timers.push(setTimeout(finish, o.timeoutMs + o.killGraceMs + 2000));
  });
}

/** Write a file inside HOME (0600, parents 0700); a path that would leave HOME is refused. */
export async function writeHomeFile(home: string, path: string, content: string): Promise<string> {
  const file = resolve(home, path);
  const rel = relative(home, file);
  if (!rel || rel.startsWith('..') || isAbsolute(rel)) throw new Error(`refusing to write outside the run's HOME: ${path}`);
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  await writeFile(file, content, { mode: 0o600, flag: 'wx' });
  return file;
}

/** The variable that marks every process of a direct run, so survivors can be found and killed. */
export const RUN_MARKER = 'AURORA_EXECUTOR_RUN';

/** Processes (other than this one) whose environment carries the run's marker. Linux /proc only. */
export function markedProcesses(runId: string): number[] {
  const needle = Buffer.from(`${RUN_MARKER}=${runId}\0`);
  const found: number[] = [];
  let entries: string[] = [];
  try {
    entries = readdirSync('/proc');
  } catch {
    return found;
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e) || Number(e) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${e}/environ`).includes(needle)) found.push(Number(e));
    } catch {
      /* gone, or not ours */
    }
  }
  return found;
}

export interface DirectOptions {
  /** the CLI directories: the only place binaries are looked up, and the PATH the CLIs get */
  toolPath: readonly string[];
  /** where each run's HOME is created */
  workDir: string;
  isolation: 'lambda' | 'none';
}

/** One request, start to finish; never throws for anything the CLI does. */
export async function runDirect(req: ExecRequest, o: DirectOptions): Promise<ExecResult> {
  const t0 = performance.now();
  const common = { version: req.version, runId: req.runId, isolation: o.isolation };
  const elapsed = () => Math.round(performance.now() - t0);
  const missing = [req.argv[0], ...req.prepare.map((p) => p.argv[0])].find((p) => !findBinary(p, o.toolPath));
  if (missing) return { ...common, status: 'not_installed', program: missing, executorMs: elapsed() };

  const home = await mkdtemp(join(o.workDir, 'cloud-tool-'));
  try {
    await chmod(home, 0o700);
    await mkdir(join(home, 'tmp'), { mode: 0o700 });
    for (const f of req.files) await writeHomeFile(home, f.path, fileContent(f, home));
    const env = childEnv(req, { path: o.toolPath.join(':'), home, extra: { [RUN_MARKER]: req.runId } });
    const deadline = t0 + req.timeoutMs;
    const left = () => Math.max(100, Math.round(deadline - performance.now()));
    const run = (argv: readonly string[], maxBytes: number) =>
      runProcess({ file: findBinary(argv[0], o.toolPath)!, args: argv.slice(1), env, cwd: home, timeoutMs: left(), killGraceMs: req.killGraceMs, maxBytes });

    for (const step of req.prepare) {
      const r = await run(step.argv, 4096);
      if (r.timedOut || r.exitCode !== 0) {
        killSurvivors(req.runId);
        return { ...common, status: 'prepare_failed', what: step.what, exitCode: r.exitCode, timedOut: r.timedOut, executorMs: elapsed() };
      }
    }
    const r = await run(req.argv, req.maxOutputBytes);
    if (r.spawnError) return { ...common, status: 'not_installed', program: req.argv[0], executorMs: elapsed() };
    const survivors = killSurvivors(req.runId);
    return { ...common, status: 'completed', exitCode: r.exitCode, signal: r.signal, timedOut: r.timedOut, stdout: r.stdout, stderr: r.stderr, durationMs: r.durationMs, survivors, executorMs: elapsed() };
  } finally {
    await rm(home, { recursive: true, force: true, maxRetries: 3, retryDelay: 50 }).catch(() => undefined);
  }
}

function killSurvivors(runId: string): number {
  const pids = markedProcesses(runId);
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  return pids.length;
}
