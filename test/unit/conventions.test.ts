import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
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

  it('builds schemas on first use: no zod call runs when a module is imported (docs/schemas.md)', () => {
    // lib/mcp/tools.ts loads with the first tools/list or tools/call, not at a cold start, and its
    // schemas carry descriptions (z.describe), which a deferred schema would not show
    const exempt = new Set([join('lib', 'zod.ts'), join('lib', 'mcp', 'tools.ts')]);
    const rootedAtZ = (e: ts.Node): boolean => {
      let x = e;
      while (ts.isCallExpression(x) || ts.isPropertyAccessExpression(x)) x = x.expression;
      return ts.isIdentifier(x) && x.text === 'z';
    };
    const offenders: string[] = [];
    for (const f of [...shipped, ...files('executor')]) {
      if (exempt.has(f)) continue;
      const src = readFileSync(f, 'utf8');
      if (!src.includes('zod.ts')) continue;
      const sf = ts.createSourceFile(f, src, ts.ScriptTarget.Latest, true);
      const visit = (n: ts.Node): void => {
        // a function's body runs when it is called, a type never runs
        if (ts.isFunctionLike(n) || ts.isClassLike(n) || ts.isTypeNode(n)) return;
        if (ts.isCallExpression(n) && rootedAtZ(n)) {
          const head = n.getText(sf);
          if (!head.startsWith('z.deferred(')) offenders.push(`${f}:${sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1} ${head.slice(0, 40)}`);
          return;
        }
        ts.forEachChild(n, visit);
      };
      ts.forEachChild(sf, visit);
    }
    expect(offenders).toEqual([]);
  });

  it('marks every route and schema defined at import as pure, so a function drops the ones it does not use (docs/schemas.md)', () => {
    // A module holds several routes or schemas and a function imports it whole; esbuild keeps any
    // call whose result is unused unless the call itself carries the mark (test/unit/bundle-budget.test.ts
    // checks the effect). The generated entries under functions/ use the one schema they define.
    // the trivia right before the call (TypeScript's comment ranges skip a comment after `=` on the same line)
    const marked = (sf: ts.SourceFile, n: ts.Node) => /\/\*\s*[@#]__PURE__\s*\*\/\s*$/.test(sf.text.slice(n.getFullStart(), n.getStart(sf)));
    const offenders: string[] = [];
    for (const f of [...files('lib'), ...files('executor')]) {
      const src = readFileSync(f, 'utf8');
      if (!src.includes('z.deferred(') && !src.includes('defineRoute(')) continue;
      const sf = ts.createSourceFile(f, src, ts.ScriptTarget.Latest, true);
      const visit = (n: ts.Node): void => {
        if (ts.isFunctionLike(n) || ts.isClassLike(n) || ts.isTypeNode(n)) return;
        if (ts.isCallExpression(n) && /^(z\.deferred|defineRoute)$/.test(n.expression.getText(sf)) && !marked(sf, n)) {
          offenders.push(`${f}:${sf.getLineAndCharacterOfPosition(n.getStart(sf)).line + 1} ${n.getText(sf).slice(0, 40)}`);
        }
        ts.forEachChild(n, visit);
      };
      ts.forEachChild(sf, visit);
    }
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
