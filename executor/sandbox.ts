import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { constants as osConstants } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { collector } from './capture.ts';
import { childEnv, fileContent, type ExecRequest, type ExecResult } from './contract.ts';
import { startEgress, type Egress } from './egress.ts';
import { SYSTEM_DIRS, type ExposurePlan } from './mounts.ts';

/**
 * One run in a sandbox of its own, built by bubblewrap: new user (uid 1000, no capabilities, no
 * further user namespaces), PID, network, IPC, UTS and cgroup namespaces; a root filesystem that
 * holds only the system, the CLI directories (read-only, see mounts.ts), an /etc of its own, a
 * fresh /proc showing the run's own processes, a minimal /dev, and tmpfs HOME and /tmp that vanish
 * with it. executor/init.py runs first (the network relay, the credential files, the steps, the
 * clean-up). When init exits, bubblewrap's PID 1 does too and the kernel kills every process left
 * in the namespace: nothing of a run can outlive it, and the next run starts from the same empty
 * state.
 *
 * Building a sandbox (bubblewrap, then Python) costs a few tens of milliseconds, so the executor
 * keeps one built ahead (`SandboxPool`): an idle sandbox holds nothing (no user, no credential)
 * until a request is written to it, and serves exactly one request.
 */

export const SANDBOX_HOME = '/home/aurora';
export const SANDBOX_UID = 1000;
/** The sandbox-side port of the HTTPS proxy (egress.ts); never one of the forwarded ports. */
export const PROXY_PORT = 3128;
/** bubblewrap reports the host PID of the sandbox's PID 1 on this fd. */
const INFO_FD = 4;
const TMPFS_BYTES = 512 * 1024 * 1024;

/** Parts of /proc that are global to the machine and writable by root (bubblewrap covers some). */
const PROC_READ_ONLY = ['/proc/sys', '/proc/sysrq-trigger', '/proc/mtrr', '/proc/pressure', '/proc/acpi', '/proc/fs', '/proc/irq', '/proc/bus', '/proc/scsi', '/proc/driver', '/proc/timer_list'];

/** What of /etc the CLIs need (CA roots, the dynamic loader's cache), copied once per executor. */
const ETC_COPIED = ['ssl', 'ca-certificates', 'ca-certificates.conf', 'pki', 'crypto-policies', 'alternatives', 'ld.so.cache', 'ld.so.conf', 'ld.so.conf.d', 'mime.types', 'protocols', 'services', 'gai.conf'];

/** /etc/passwd and friends of the sandbox: one user, localhost, no name server of the machine. */
export const ETC_WRITTEN: Record<string, string> = {
  passwd: `root:x:0:0:root:/root:/usr/sbin/nologin\naurora:x:${SANDBOX_UID}:${SANDBOX_UID}:cloud_tool run:${SANDBOX_HOME}:/usr/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n`,
  group: `root:x:0:\naurora:x:${SANDBOX_UID}:\nnogroup:x:65534:\n`,
  hosts: '127.0.0.1 localhost\n::1 localhost\n',
  'nsswitch.conf': 'passwd: files\ngroup: files\nhosts: files dns\n',
  'resolv.conf': 'nameserver 127.0.0.1\noptions timeout:1 attempts:1\n',
  hostname: 'cloud-tool\n',
};

export interface SandboxContext {
  bwrap: string;
  python: string;
  /** executor/init.py's source */
  init: string;
  plan: ExposurePlan;
  /** private directory of the executor: the sandbox /etc, one subdirectory per sandbox */
  runtimeDir: string;
  /** 127.0.0.1 ports runs may reach (the simulators) */
  forwards: readonly number[];
}

/** bubblewrap and a system Python (under /usr, so present inside every sandbox). */
export function findTools(bwrap?: string): { bwrap: string | null; python: string | null } {
  const first = (names: string[]) => names.find((p) => existsSync(p)) ?? null;
  return { bwrap: first(bwrap ? [bwrap] : ['/usr/bin/bwrap', '/usr/local/bin/bwrap', '/bin/bwrap']), python: first(['/usr/bin/python3', '/usr/local/bin/python3']) };
}

/** The sandbox's /etc, built once: copies of what the CLIs need, and our own passwd, hosts, resolv.conf. */
export function prepareEtc(runtimeDir: string): void {
  const etc = join(runtimeDir, 'etc');
  rmSync(etc, { recursive: true, force: true });
  mkdirSync(etc, { mode: 0o755 });
  for (const e of ETC_COPIED) {
    if (existsSync(`/etc/${e}`)) cpSync(`/etc/${e}`, join(etc, e), { recursive: true, verbatimSymlinks: true, dereference: false });
  }
  for (const [name, content] of Object.entries(ETC_WRITTEN)) writeFileSync(join(etc, name), content, { mode: 0o644 });
}

export function readInit(): string {
  return readFileSync(new URL('./init.py', import.meta.url), 'utf8');
}

/** bubblewrap's arguments for one sandbox, whose egress socket is `egressSocket`. */
export function bwrapArgs(ctx: Pick<SandboxContext, 'plan' | 'runtimeDir' | 'python' | 'init' | 'forwards'>, egressSocket: string): string[] {
  const a: string[] = ['--unshare-user', '--disable-userns', '--uid', String(SANDBOX_UID), '--gid', String(SANDBOX_UID)];
  a.push('--unshare-pid', '--unshare-net', '--unshare-ipc', '--unshare-uts', '--unshare-cgroup-try', '--hostname', 'cloud-tool');
  a.push('--die-with-parent', '--new-session', '--clearenv', '--info-fd', String(INFO_FD));
  for (const d of SYSTEM_DIRS) {
    let st;
    try {
      st = lstatSync(d);
    } catch {
      continue;
    }
    if (st.isSymbolicLink()) a.push('--symlink', readlinkSync(d), d);
    else if (st.isDirectory()) a.push('--ro-bind', d, d);
  }
  a.push('--ro-bind', join(ctx.runtimeDir, 'etc'), '/etc');
  a.push('--proc', '/proc', '--dev', '/dev');
  // The run's uid maps to this machine's root when the executor runs as root, and procfs keeps
  // root-owned global knobs writable by their owner (kernel.core_pattern would run a program as
  // root): every such part of /proc is this machine's, read-only.
  for (const p of PROC_READ_ONLY) a.push('--ro-bind-try', p, p);
  a.push('--size', String(TMPFS_BYTES), '--perms', '1777', '--tmpfs', '/tmp');
  a.push('--size', String(TMPFS_BYTES), '--perms', '0700', '--tmpfs', SANDBOX_HOME);
  // after the tmpfs mounts, so a CLI directory under /tmp is not hidden by the run's empty /tmp
  for (const b of ctx.plan.binds) a.push('--ro-bind', b, b);
  for (const m of ctx.plan.masks) a.push('--tmpfs', m);
  a.push('--tmpfs', '/run', '--dir', '/run/aurora', '--bind', egressSocket, '/run/aurora/egress.sock', '--remount-ro', '/run');
  a.push('--chdir', SANDBOX_HOME);
  a.push(ctx.python, '-I', '-S', '-B', '-c', ctx.init, String(PROXY_PORT), ctx.forwards.filter((p) => p !== PROXY_PORT).join(','));
  return a;
}

/**
 * Whether this machine can build the sandbox: a probe of the real thing (namespaces, mounts,
 * Python) that must print the init's "ready" line. The reason is shown at start when it cannot.
 */
export function probeSandbox(ctx: SandboxContext): { ok: true } | { ok: false; reason: string } {
  const placeholder = join(ctx.runtimeDir, 'probe.sock');
  writeFileSync(placeholder, '');
  const r = spawnSync(ctx.bwrap, bwrapArgs(ctx, placeholder), { env: {}, input: '', stdio: ['pipe', 'pipe', 'pipe', 'pipe', 'pipe'], timeout: 10_000, encoding: 'utf8' });
  rmSync(placeholder, { force: true });
  if (String(r.output?.[3] ?? '').includes('ready=1')) return { ok: true };
  const why = (r.error?.message ?? String(r.stderr ?? '').trim().split('\n')[0]) || `exit status ${r.status}`;
  return { ok: false, reason: `bubblewrap could not build a sandbox: ${why}` };
}

// ---------------------------------------------------------------------------------------------
// The wire format to init.py: netstrings, so the init needs no JSON parser (it starts per run).

function ns(out: Buffer[], v: string | number): void {
  const b = Buffer.from(String(v), 'utf8');
  out.push(Buffer.from(`${b.length}:`), b, Buffer.from(','));
}

export function encodeRun(argv: readonly string[], env: Record<string, string>, files: Array<{ path: string; content: string }>, prepare: ReadonlyArray<{ what: string; argv: readonly string[] }>): Buffer {
  const out: Buffer[] = [];
  const list = (xs: readonly string[]) => {
    ns(out, xs.length);
    for (const x of xs) ns(out, x);
  };
  list(argv);
  ns(out, Object.keys(env).length);
  for (const [k, v] of Object.entries(env)) {
    ns(out, k);
    ns(out, v);
  }
  ns(out, files.length);
  for (const f of files) {
    ns(out, f.path);
    ns(out, f.content);
  }
  ns(out, prepare.length);
  for (const p of prepare) {
    ns(out, p.what);
    list(p.argv);
  }
  return Buffer.concat(out);
}

/** init.py's last report line: `status=completed exit=0 signal=- duration=12 survivors=0`. */
export function parseReport(text: string): Record<string, string> | null {
  const lines = text.trim().split('\n').filter((l) => l.includes('status='));
  const last = lines.pop();
  if (!last) return null;
  return Object.fromEntries(last.split(' ').map((w) => [w.slice(0, w.indexOf('=')), w.slice(w.indexOf('=') + 1)]));
}

const signalName = (n: string): string | null => {
  if (n === '-' || n === undefined) return null;
  const hit = Object.entries(osConstants.signals).find(([, v]) => v === Number(n));
  return hit ? hit[0] : `SIG${n}`;
};

// ---------------------------------------------------------------------------------------------
// Sandboxes

/** A sandbox that is built (its init listening and waiting for a request) or being built. */
interface Sandbox {
  child: ChildProcess;
  dir: string;
  egress: Egress;
  status: string;
  /** host PID of the sandbox's PID 1 (from bubblewrap's info fd) */
  pid1: number | null;
  closed: Promise<void>;
}

async function buildSandbox(ctx: SandboxContext): Promise<Sandbox> {
  const dir = await mkdtemp(join(ctx.runtimeDir, 'sandbox-'));
  const socket = join(dir, 'egress.sock');
  const egress = await startEgress(socket, { forwards: new Set(ctx.forwards), proxyPort: PROXY_PORT });
  const child = spawn(ctx.bwrap, bwrapArgs(ctx, socket), { env: {}, stdio: ['pipe', 'pipe', 'pipe', 'pipe', 'pipe'] });
  const sb: Sandbox = { child, dir, egress, status: '', pid1: null, closed: Promise.resolve() };
  let info = '';
  (child.stdio[INFO_FD] as Readable).on('data', (c: Buffer) => {
    info += c.toString('utf8');
    const m = /"child-pid"\s*:\s*(\d+)/.exec(info);
    if (m) sb.pid1 = Number(m[1]);
  });
  // bubblewrap exits as soon as its PID 1 reports the init's status; the namespace is gone only
  // once that PID 1 has finished exiting (the kernel kills and reaps everything in it first).
  sb.closed = new Promise((ok) => child.once('close', () => void namespaceGone(sb.pid1).then(ok)));
  child.once('error', () => undefined);
  (child.stdio[0] as Writable).on('error', () => undefined);
  // Until a request is assigned, output is kept (a bubblewrap failure explains itself on stderr).
  (child.stdio[3] as Readable).on('data', (c: Buffer) => (sb.status += c.toString('utf8')));
  return sb;
}

/** Resolves when the process is gone or a zombie: for a PID 1, when nothing of its namespace is left. */
async function namespaceGone(pid: number | null): Promise<void> {
  if (pid === null) return;
  const deadline = Date.now() + 10_000;
  for (;;) {
    let state: string | undefined;
    try {
      state = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ').pop()?.[0];
    } catch {
      return;
    }
    if (state === 'Z' || state === 'X' || Date.now() > deadline) return;
    await new Promise((ok) => setTimeout(ok, 2));
  }
}

async function discard(sb: Sandbox): Promise<void> {
  const exited = sb.child.exitCode !== null || sb.child.signalCode !== null ? Promise.resolve() : new Promise<void>((ok) => sb.child.once('exit', () => ok()));
  sb.child.kill('SIGKILL');
  await exited;
  // Not `sb.closed`: bubblewrap killed mid-build (between clone() and its child's
  // --die-with-parent, or before it told the child to go on) can leave that child alive, holding
  // the pipes, so their 'close' may never come. Its PID 1, once bubblewrap reported it, is killed
  // with everything in its namespace; our ends of the pipes are closed either way.
  if (sb.pid1 !== null) {
    try {
      process.kill(sb.pid1, 'SIGKILL');
    } catch {
      // already gone
    }
    await namespaceGone(sb.pid1);
  }
  for (const s of sb.child.stdio) (s as Readable | Writable | null)?.destroy();
  await sb.egress.close();
  await rm(sb.dir, { recursive: true, force: true });
}

/** Runs one request in the given (fresh) sandbox, then removes it. Never throws for what the CLI does. */
async function runIn(sb: Sandbox, req: ExecRequest, t0: number, path: string): Promise<ExecResult> {
  const common = { version: req.version, runId: req.runId, isolation: 'namespaces' as const };
  const elapsed = () => Math.round(performance.now() - t0);
  const proxy = `http://127.0.0.1:${PROXY_PORT}`;
  const env = childEnv(req, {
    path,
    home: SANDBOX_HOME,
    extra: { HTTPS_PROXY: proxy, https_proxy: proxy, NO_PROXY: '127.0.0.1,localhost', no_proxy: '127.0.0.1,localhost' },
  });
  const out = collector(req.maxOutputBytes);
  const err = collector(req.maxOutputBytes);
  const [control, stdout, stderr] = sb.child.stdio as unknown as [Writable, Readable, Readable];
  stdout.on('data', (c: Buffer) => out.push(c));
  stderr.on('data', (c: Buffer) => err.push(c));
  let timedOut = false;
  const timers: NodeJS.Timeout[] = [];
  control.write(encodeRun(req.argv, env, req.files.map((f) => ({ path: f.path, content: fileContent(f, SANDBOX_HOME) })), req.prepare));
  timers.push(
    setTimeout(() => {
      timedOut = true;
      control.write('TERM\n');
      timers.push(setTimeout(() => sb.child.kill('SIGKILL'), req.killGraceMs));
    }, req.timeoutMs),
  );
  try {
    await sb.closed;
  } finally {
    for (const t of timers) clearTimeout(t);
    control.destroy();
    await sb.egress.close();
    await rm(sb.dir, { recursive: true, force: true });
  }
  const rep = parseReport(sb.status);
  const stdoutR = out.result();
  const stderrR = err.result();
  const exit = (v: string | undefined) => (v === undefined || v === '-' ? null : Number(v));
  if (rep?.status === 'completed') {
    return { ...common, status: 'completed', exitCode: exit(rep.exit), signal: signalName(rep.signal), timedOut, stdout: stdoutR, stderr: stderrR, durationMs: Number(rep.duration) || 0, survivors: Number(rep.survivors) || 0, executorMs: elapsed() };
  }
  if (rep?.status === 'not_installed') return { ...common, status: 'not_installed', program: rep.program, executorMs: elapsed() };
  if (rep?.status === 'prepare_failed') return { ...common, status: 'prepare_failed', what: req.prepare[Number(rep.step)]?.what ?? 'preparation', exitCode: exit(rep.exit), timedOut, executorMs: elapsed() };
  if (timedOut) {
    // Killed with everything in it before init could report: the command outlived its budget.
    return { ...common, status: 'completed', exitCode: null, signal: 'SIGKILL', timedOut, stdout: stdoutR, stderr: stderrR, durationMs: elapsed(), survivors: 0, executorMs: elapsed() };
  }
  const why = stderrR.text.trim().split('\n')[0] || 'no report from the sandbox';
  return { ...common, status: 'unavailable', reason: `the sandbox failed: ${why.slice(0, 200)}`, executorMs: elapsed() };
}

/**
 * Keeps `size` sandboxes built ahead. run() takes one (building one on the spot when none is
 * ready, or when the one it took has died while idle) and starts building its replacement; each
 * serves one request and is gone.
 */
export class SandboxPool {
  readonly #ctx: SandboxContext;
  readonly #size: number;
  readonly #ready: Array<Promise<Sandbox>> = [];
  #closed = false;

  constructor(ctx: SandboxContext, size = 1) {
    this.#ctx = ctx;
    this.#size = size;
    this.#fill();
  }

  #fill(): void {
    while (!this.#closed && this.#ready.length < this.#size) {
      const p = buildSandbox(this.#ctx);
      p.catch(() => undefined);
      this.#ready.push(p);
    }
  }

  async run(req: ExecRequest): Promise<ExecResult> {
    const t0 = performance.now();
    const next = this.#ready.shift() ?? buildSandbox(this.#ctx);
    this.#fill();
    let sb: Sandbox;
    try {
      sb = await next;
      if (sb.child.exitCode !== null || sb.child.signalCode !== null) {
        await discard(sb);
        sb = await buildSandbox(this.#ctx);
      }
    } catch (e) {
      return { version: req.version, runId: req.runId, isolation: 'namespaces', status: 'unavailable', reason: `the sandbox could not be built (${(e as Error).message})`, executorMs: Math.round(performance.now() - t0) };
    }
    return runIn(sb, req, t0, this.#ctx.plan.path.join(':'));
  }

  async close(): Promise<void> {
    this.#closed = true;
    const idle = this.#ready.splice(0);
    // a sandbox that failed to build has nothing to discard
    for (const p of idle) await p.then(discard).catch(() => undefined);
  }
}
