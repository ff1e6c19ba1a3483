import { spawn } from 'node:child_process';
import { constants as fsConstants, accessSync, statSync } from 'node:fs';
import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { constants as osConstants, tmpdir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { log } from '../log.ts';

/**
 * Running one cloud CLI: no shell, a process group of its own (so a timeout stops everything it
 * started), bounded memory for its output, and a private HOME that disappears afterwards.
 */

/** The binary on the configured CLI path only; never the service's PATH, never a relative dir. */
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

export interface RunOptions {
  /** absolute path of the executable */
  file: string;
  /** arguments after the program name, passed as they are */
  args: readonly string[];
  /** the complete environment of the child (nothing is inherited) */
  env: Readonly<Record<string, string>>;
  cwd: string;
  timeoutMs: number;
  killGraceMs: number;
  /** characters kept per stream; the raw capture keeps a bounded multiple of it */
  maxChars: number;
}

export interface StreamCapture {
  /** raw text as decoded (not yet cleaned or capped) */
  text: string;
  /** bytes the process wrote, including any we dropped */
  bytes: number;
  /** true when bytes were dropped at capture time */
  overflow: boolean;
}

export interface RunResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  stdout: StreamCapture;
  stderr: StreamCapture;
  durationMs: number;
  /** set when the process could not be started (ENOENT, EACCES...) */
  spawnError?: string;
}

function collector(limitBytes: number) {
  const chunks: Buffer[] = [];
  let kept = 0;
  let total = 0;
  return {
    push(chunk: Buffer) {
      total += chunk.length;
      if (kept >= limitBytes) return;
      const part = chunk.length > limitBytes - kept ? chunk.subarray(0, limitBytes - kept) : chunk;
      chunks.push(part);
      kept += part.length;
    },
    result(): StreamCapture {
      return { text: Buffer.concat(chunks).toString('utf8'), bytes: total, overflow: total > kept };
    },
  };
}

/**
 * spawn(file, args, {shell:false, detached:true}): the child leads a new process group, so on
 * timeout SIGTERM and then SIGKILL reach every process it started. When the leader exits, what is
 * left of its group is killed too: nothing of a run may outlive it (or keep its HOME busy).
 */
export function runProcess(o: RunOptions): Promise<RunResult> {
  return new Promise((done) => {
    const started = performance.now();
    // A CLI may print far more than we return; ANSI codes are removed later, so keep some slack.
    const out = collector(o.maxChars * 8);
    const err = collector(o.maxChars * 8);
    let timedOut = false;
    let exitCode: number | null = null;
    let signal: NodeJS.Signals | null = null;
    let spawnError: string | undefined;
    let finished = false;
    const timers: NodeJS.Timeout[] = [];

    const child = spawn(o.file, [...o.args], {
      shell: false,
      env: { ...o.env },
      cwd: o.cwd,
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
      windowsHide: true,
    });
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
      done({ exitCode, signal, timedOut, stdout: out.result(), stderr: err.result(), durationMs: Math.round(performance.now() - started), spawnError });
    };

    child.stdout?.on('data', (c: Buffer) => out.push(c));
    child.stderr?.on('data', (c: Buffer) => err.push(c));
    child.on('error', (e: NodeJS.ErrnoException) => {
      spawnError = e.code ?? 'spawn_failed';
      finish();
    });
    child.on('exit', (code, sig) => {
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

/** The exit status a shell would report: the code, 128+signal when killed, 124 on our timeout. */
export function returnCode(r: RunResult): number {
  if (r.timedOut) return 124;
  if (r.exitCode !== null) return r.exitCode;
  if (r.signal) return 128 + (osConstants.signals[r.signal] ?? 0);
  return 127;
}

// CSI (ESC [ … final), OSC (ESC ] … BEL | ESC \), other two-byte escapes, 8-bit CSI.
const ANSI = /\u001b\[[0-?]*[ -/]*[@-~]|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|\u001b[@-Z\\-_]|\u009b[0-?]*[ -/]*[@-~]/g;
// Control characters other than tab and newline (NUL, bell, carriage returns of progress bars...).
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

/** What a person would read: no colour codes, no cursor games, no NUL. */
export function cleanText(text: string): string {
  return text.replace(/\r\n/g, '\n').replace(ANSI, '').replace(CONTROL, '');
}

export interface Capped {
  text: string;
  truncated: boolean;
}

export function capText(text: string, max: number, overflow: boolean): Capped {
  if (text.length <= max && !overflow) return { text, truncated: false };
  const total = overflow ? `more than ${text.length}` : String(text.length);
  return { text: `${text.slice(0, max)}\n[output truncated: showing the first ${max} of ${total} characters]`, truncated: true };
}

/** JSON when the whole (uncut) text is JSON, as most CLIs print with --format/--output json. */
export function parseJsonOutput(text: string): { ok: true; value: unknown } | { ok: false } {
  const t = text.trim();
  if (!t || !/^[[{"]/.test(t)) return { ok: false };
  try {
    return { ok: true, value: JSON.parse(t) };
  } catch {
    return { ok: false };
  }
}

/** A fresh private directory for one run, removed afterwards whatever happened. */
export async function withTempHome<T>(baseDir: string | undefined, fn: (home: string) => Promise<T>): Promise<T> {
  const home = await mkdtemp(join(baseDir ?? tmpdir(), 'cloud-tool-'));
  try {
    await chmod(home, 0o700);
    await mkdir(join(home, 'tmp'), { mode: 0o700 });
    return await fn(home);
  } finally {
    await rm(home, { recursive: true, force: true, maxRetries: 3, retryDelay: 50 }).catch((e: unknown) =>
      log.error('could not remove a cloud_tool home directory', { error: e }),
    );
  }
}

/** Write a file inside HOME (0600, parents 0700); a path that would leave HOME is a bug. */
export async function writeHomeFile(home: string, path: string, content: string): Promise<string> {
  const file = resolve(home, path);
  const rel = relative(home, file);
  if (!rel || rel.startsWith('..') || isAbsolute(rel)) throw new Error(`refusing to write outside the run's HOME: ${path}`);
  await mkdir(dirname(file), { recursive: true, mode: 0o700 });
  await writeFile(file, content, { mode: 0o600, flag: 'wx' });
  return file;
}
