import { chmodSync, closeSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The local runtime's data dir (.data by default) holds the embedded DynamoDB, the local secret
 * store and its key, and the simulators' state: only its owner may read it. And only one process
 * may open it at a time: the embedded DynamoDB is one LevelDB, which a second opener finds locked
 * (it used to surface as "Database is closed").
 */

/** A failure a user of `npm start` can fix, said in one line (scripts/start.ts prints it without a stack). */
export class LocalRuntimeError extends Error {
  readonly code: 'data_dir_in_use' | 'port_in_use' | 'port_denied';
  constructor(code: LocalRuntimeError['code'], message: string) {
    super(message);
    this.name = 'LocalRuntimeError';
    this.code = code;
  }
}

/** What the runtime keeps in the data dir; nothing else in it is touched (it may be a directory the user also uses). */
const OWN_ENTRIES = ['dynamodb', 'secrets', 'simulators', 'runtime.json', 'runtime.lock'];

/**
 * The data dir at 0700 and everything the runtime keeps in it at 0600 (directories 0700),
 * including what earlier versions left at 0755/0644; and a umask of 077 for what this process
 * creates from now on (LevelDB writes new table files as it compacts). Returns the previous umask.
 */
export function secureDataDir(dir: string): number {
  const previous = process.umask(0o077);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const walk = (p: string) => {
    let st;
    try {
      st = lstatSync(p);
    } catch {
      return;
    }
    if (st.isSymbolicLink()) return;
    if (st.isDirectory()) {
      if ((st.mode & 0o777) !== 0o700) chmodSync(p, 0o700);
      for (const name of readdirSync(p)) walk(join(p, name));
    } else if ((st.mode & 0o777) !== 0o600) {
      chmodSync(p, 0o600);
    }
  };
  chmodSync(dir, 0o700);
  for (const name of OWN_ENTRIES) walk(join(dir, name));
  return previous;
}

const LOCK_FILE = 'runtime.lock';

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists, it is someone else's
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Take the data dir for this process (`what` says who holds it, for the message another process
 * gets). A lock left by a process that is gone is taken over. Returns the release function.
 */
export function lockDataDir(dir: string, what: string): () => void {
  const file = join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, JSON.stringify({ pid: process.pid, what, since: new Date().toISOString() }));
      closeSync(fd);
      return () => rmSync(file, { force: true });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
    let holder: { pid?: number; what?: string } = {};
    try {
      holder = JSON.parse(readFileSync(file, 'utf8')) as typeof holder;
    } catch {
      /* half-written by a process that died: stale */
    }
    if (typeof holder.pid === 'number' && alive(holder.pid)) {
      throw new LocalRuntimeError(
        'data_dir_in_use',
        `the data dir ${dir} is in use by ${holder.what ?? 'another process'} (pid ${holder.pid}): stop it first, or use another one with --data-dir <dir>`,
      );
    }
    rmSync(file, { force: true });
  }
  throw new LocalRuntimeError('data_dir_in_use', `the data dir ${dir} is being taken by another process at the same moment: try again`);
}
