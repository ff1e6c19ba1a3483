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
  it('imports zod only through lib/zod.ts, as a namespace (docs/schemas.md)', () => {
    // lib/zod.ts registers the English messages the 400s quote; classic zod costs every function
    // about 96 KB, and a named `z` import defeats tree-shaking
    const offenders = [...shipped, ...files('executor'), ...files('scripts')].filter((f) => {
      if (f === join('lib', 'zod.ts')) return false;
      const src = readFileSync(f, 'utf8');
      return /from\s*['"]zod(\/[^'"]*)?['"]/.test(src) || /import\s*(type\s*)?\{\s*z\s*\}\s*from\s*'[^']*zod\.ts'/.test(src);
    });
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
