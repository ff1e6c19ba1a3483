/**
 * npm run build:web [-- --if-stale]
 * Builds the console (web/) into web/dist with Vite. With --if-stale it builds only when web/dist
 * is missing or was built from other sources (npm start and the browser tests use that), judged by
 * a hash of the sources, the lockfile and the build settings, so a checkout or a pull that changes
 * nothing in web/ does not rebuild, whatever the file times say.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { pathToFileURL } from 'node:url';

const ROOT = resolve(import.meta.dirname, '..');
const WEB = join(ROOT, 'web');
const DIST = join(WEB, 'dist');
const STAMP = join(DIST, '.source-hash');
/** Build settings the deployed build reads (lib/stacks/plan/web.ts sets them); they change the output. */
const BUILD_ENV = ['AURORA_CONSOLE_CONFIG'];

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.name === 'dist' || e.name === 'node_modules' || e.name.startsWith('.')) return [];
    const p = join(dir, e.name);
    return e.isDirectory() ? files(p) : [p];
  });
}

export function consoleSourceHash(): string {
  const h = createHash('sha256');
  for (const f of [...files(WEB), join(ROOT, 'package-lock.json')].sort()) {
    h.update(relative(ROOT, f)).update('\0').update(readFileSync(f)).update('\0');
  }
  for (const k of BUILD_ENV) h.update(`${k}=${process.env[k] ?? ''}\0`);
  return h.digest('hex');
}

export function consoleIsFresh(): boolean {
  return existsSync(join(DIST, 'index.html')) && existsSync(STAMP) && readFileSync(STAMP, 'utf8').trim() === consoleSourceHash();
}

/** Build web/ into web/dist unless it is fresh (ifStale); returns whether it built. */
export async function buildConsole(opts: { ifStale?: boolean; quiet?: boolean } = {}): Promise<boolean> {
  if (opts.ifStale && consoleIsFresh()) return false;
  const hash = consoleSourceHash();
  const { build } = await import('vite');
  await build({ configFile: join(WEB, 'vite.config.ts'), logLevel: opts.quiet ? 'warn' : 'info' });
  writeFileSync(STAMP, `${hash}\n`);
  return true;
}

const LOCK = join(WEB, '.build-lock');

function lockHolderAlive(): boolean {
  try {
    process.kill(Number(readFileSync(join(LOCK, 'pid'), 'utf8')), 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * buildConsole({ ifStale: true }) for processes that may start together (test workers, a second
 * npm start): one builds under a lock directory, the others wait for it to go and find it fresh.
 */
export async function ensureConsoleBuilt(opts: { quiet?: boolean; timeoutMs?: number } = {}): Promise<void> {
  const deadline = Date.now() + (opts.timeoutMs ?? 180_000);
  for (;;) {
    try {
      mkdirSync(LOCK);
    } catch {
      // held: wait for the holder (or take over from one that died)
      if (!lockHolderAlive() && existsSync(LOCK)) rmSync(LOCK, { recursive: true, force: true });
      else if (Date.now() > deadline) throw new Error('timed out waiting for another build of the console');
      else await sleep(200);
      continue;
    }
    try {
      writeFileSync(join(LOCK, 'pid'), String(process.pid));
      await buildConsole({ ifStale: true, quiet: opts.quiet });
      return;
    } finally {
      rmSync(LOCK, { recursive: true, force: true });
    }
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { values } = parseArgs({ options: { 'if-stale': { type: 'boolean', default: false } } });
  try {
    if (values['if-stale']) await ensureConsoleBuilt({ quiet: true });
    else await buildConsole();
  } catch (e) {
    // The API still starts without its console; say why the page is missing.
    process.stderr.write(`console: the build failed (${(e as Error).message}); the API runs without its console\n`);
    process.exitCode = values['if-stale'] ? 0 : 1;
  }
}
