import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, relative, resolve } from 'node:path';

/**
 * What of this machine a sandboxed run sees, read-only: the system (/usr and a few files of
 * /etc), the CLI directories of CLOUD_TOOL_PATH, and what their programs resolve to (symlink
 * targets, script interpreters, the install prefix around a `bin` directory, the Python versions
 * behind pyenv shims). Nothing else: no HOME of the service, no repository, no data directory.
 * A directory that would contain a protected path is refused outright; a protected path that lies
 * inside an exposed directory is hidden under an empty tmpfs.
 */

export interface ExposurePlan {
  /** host directories (and files) bound read-only at the same path */
  binds: string[];
  /** protected paths inside a bound directory, hidden by an empty tmpfs */
  masks: string[];
  /** the PATH the CLIs get inside the sandbox */
  path: string[];
  /** CLOUD_TOOL_PATH entries left out, and why */
  refused: Array<{ dir: string; reason: string }>;
}

/** Directories every sandbox gets anyway: the system. */
export const SYSTEM_DIRS = ['/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32'];

const within = (child: string, parent: string) => {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
};

function real(p: string): string | null {
  try {
    return realpathSync(p);
  } catch {
    return null;
  }
}

/** The interpreter of a `#!` script, if the file is one. */
function shebang(file: string): string | null {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const buf = Buffer.alloc(256);
    const n = readSync(fd, buf, 0, 256, 0);
    const first = buf.subarray(0, n).toString('latin1').split('\n')[0];
    const m = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(first);
    if (!m) return null;
    // `#!/usr/bin/env node` names its interpreter in the next word (found on PATH inside)
    return basename(m[1]) === 'env' ? null : m[1];
  } catch {
    return null;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** pyenv's shims directory: <root>/shims next to <root>/libexec/pyenv. */
function pyenvRoot(dir: string): string | null {
  if (basename(dir) !== 'shims') return null;
  const root = dirname(dir);
  return existsSync(join(root, 'libexec', 'pyenv')) ? root : null;
}

/** The Python versions pyenv's shims would run (its global version list), as install prefixes. */
function pyenvPrefixes(root: string): string[] {
  try {
    const out = execFileSync(join(root, 'libexec', 'pyenv'), ['version-name'], {
      cwd: '/',
      env: { PYENV_ROOT: root, PATH: '/usr/bin:/bin' },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 10_000,
    });
    return out
      .trim()
      .split(':')
      .filter((v) => v && v !== 'system')
      .map((v) => join(root, 'versions', v))
      .filter((p) => existsSync(join(p, 'bin')));
  } catch {
    return [];
  }
}

export function exposurePlan(toolPath: readonly string[], protectedPaths: readonly string[]): ExposurePlan {
  const protect = protectedPaths.map((p) => resolve(p)).flatMap((p) => [p, real(p)].filter((x): x is string => !!x));
  const binds = new Set<string>();
  const path: string[] = [];
  const refused: ExposurePlan['refused'] = [];
  const isSystem = (p: string) => SYSTEM_DIRS.some((s) => within(p, s));
  const exposes = (dir: string) => protect.find((p) => within(p, dir));

  /** Bind `dir` unless it is system or would contain a protected path; true when usable. */
  const expose = (dir: string): boolean => {
    if (isSystem(dir)) return true;
    if (exposes(dir)) return false;
    for (const b of [...binds]) {
      if (within(dir, b)) return true;
      if (within(b, dir)) binds.delete(b);
    }
    binds.add(dir);
    return true;
  };
  /** A program's real location, its interpreter, and the prefix around a bin directory. */
  const follow = (file: string, depth = 0) => {
    const r = real(file);
    if (!r || depth > 3) return;
    const dir = dirname(r);
    expose(dir);
    if (basename(dir) === 'bin') expose(dirname(dir));
    const interp = shebang(r);
    if (interp && isAbsolute(interp)) follow(interp, depth + 1);
  };

  for (const raw of toolPath) {
    if (!isAbsolute(raw)) continue;
    const dir = resolve(raw);
    const st = (() => {
      try {
        return statSync(dir);
      } catch {
        return null;
      }
    })();
    if (!st?.isDirectory()) continue;
    const root = pyenvRoot(dir);
    if (root) {
      // A shim runs pyenv, which reads its whole root; the sandbox gets the versions it would pick.
      const prefixes = pyenvPrefixes(root).filter((p) => expose(p));
      if (prefixes.length === 0) refused.push({ dir, reason: 'pyenv shims whose Python version could not be resolved' });
      for (const p of prefixes) {
        path.push(join(p, 'bin'));
        follow(join(p, 'bin', 'python'));
      }
      continue;
    }
    const hidden = exposes(dir);
    if (hidden) {
      refused.push({ dir, reason: `it contains ${hidden}, which runs may not see` });
      continue;
    }
    expose(dir);
    if (basename(dir) === 'bin') expose(dirname(dir));
    path.push(dir);
    if (isSystem(dir)) continue;
    let entries: string[] = [];
    try {
      entries = readdirSync(dir);
    } catch {
      /* unreadable: only the directory itself */
    }
    for (const e of entries.slice(0, 500)) follow(join(dir, e));
  }
  const list = [...binds].sort();
  const masks = protect.filter((p) => (isSystem(p) || list.some((b) => within(p, b))) && existsSync(p)).sort();
  return { binds: list, masks: [...new Set(masks)], path, refused };
}
