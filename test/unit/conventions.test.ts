import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const shipped = [...files('lib'), ...files('functions')];

describe('code conventions that keep Lambdas small and settings in one place', () => {
  it("imports zod as a namespace (named `z` import bundles every locale: +360 KB per function)", () => {
    const offenders = shipped.filter((f) => /import\s*\{\s*z\s*\}\s*from\s*'zod'/.test(readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
  });

  it('reads process.env only in lib/config.ts (the local runtime may set it)', () => {
    const offenders = shipped.filter((f) => {
      if (f === join('lib', 'config.ts')) return false;
      const src = readFileSync(f, 'utf8');
      // reading: process.env.X or process.env[...] not on the left of an assignment
      return /process\.env(\.[A-Z_]+|\[)(?!\s*=[^=])/.test(src.replace(/Object\.assign\(process\.env[^)]*\)/g, '')) && !f.startsWith(join('lib', 'local'));
    });
    expect(offenders).toEqual([]);
  });

  it('handler files stay thin', () => {
    const fat = files('functions').filter((f) => readFileSync(f, 'utf8').split('\n').length > 40);
    expect(fat).toEqual([]);
  });
});
