import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

/**
 * The import structure of the sources (lib/, functions/, scripts/), read with the TypeScript
 * parser: static imports and re-exports, `import type`, dynamic import() with a literal, and
 * `typeof import('…')` all count as edges.
 *
 *  - No file imports itself through others (no circle between files, types included).
 *  - No circle between areas. An area is a folder directly under lib/ with its subfolders
 *    (lib/commands with its grammar/), except that each folder under lib/connectors/ is an area
 *    of its own (a connector is one folder; so are the kit and the generated code), a file
 *    directly in lib/ is one (config.ts, deps.ts, errors.ts...), every area's routes.ts belongs
 *    to the HTTP layer (lib/http/, spread over the areas for locality), each schemas.ts (the
 *    request and response shapes, which HTTP code uses and domain code may name) stands apart,
 *    and simulators belong to the local runtime (lib/local/, never shipped). Type-only imports are left out here: the list derives its types from its
 *    members, so a connector's code names the config type its own settings are part of; with
 *    verbatimModuleSyntax they are erased and load nothing.
 *  - Domain code does not import HTTP code (types included; schemas.ts files are shapes that
 *    either side may use) and shipped code does not import the local runtime or a simulator.
 */
const root = resolve(import.meta.dirname, '../..');
const LAZY_CORE = 'lib/lazy-core.ts';

function files(dir: string): string[] {
  if (!existsSync(join(root, dir))) return [];
  return readdirSync(join(root, dir)).flatMap((name) => {
    const rel = `${dir}/${name}`;
    return statSync(join(root, rel)).isDirectory() ? files(rel) : name.endsWith('.ts') ? [rel] : [];
  });
}

interface Edge {
  from: string;
  to: string;
  typeOnly: boolean;
}

function edgesOf(file: string): Edge[] {
  const src = ts.createSourceFile(file, readFileSync(join(root, file), 'utf8'), ts.ScriptTarget.Latest, true);
  const out: Edge[] = [];
  const add = (spec: string, typeOnly: boolean) => {
    if (!spec.startsWith('.')) return;
    out.push({ from: file, to: normalize(relative(root, resolve(root, dirname(file), spec))), typeOnly });
  };
  const visit = (node: ts.Node) => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      const clause = node.importClause;
      const onlyTypes = !!clause && (clause.isTypeOnly || (!clause.name && !!clause.namedBindings && ts.isNamedImports(clause.namedBindings) && clause.namedBindings.elements.length > 0 && clause.namedBindings.elements.every((e) => e.isTypeOnly)));
      add(node.moduleSpecifier.text, onlyTypes);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      const onlyTypes = node.isTypeOnly || (!!node.exportClause && ts.isNamedExports(node.exportClause) && node.exportClause.elements.length > 0 && node.exportClause.elements.every((e) => e.isTypeOnly));
      add(node.moduleSpecifier.text, onlyTypes);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteral(node.arguments[0])) {
      add(node.arguments[0].text, false);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      add(node.argument.literal.text, true);
    }
    ts.forEachChild(node, visit);
  };
  visit(src);
  return out;
}

const sources = [...files('lib'), ...files('functions'), ...files('scripts')];
const edges = sources.flatMap(edgesOf).filter((e) => sources.includes(e.to));

const isShapes = (f: string) => /(^|\/)schemas\.ts$/.test(f);
const isHttp = (f: string) => f.startsWith('lib/') && !isShapes(f) && (f.startsWith('lib/http/') || /(^|\/)routes\.ts$/.test(f));
const isDev = (f: string) => f.startsWith('lib/local/') || /(^|\/)simulator[\w-]*\.ts$/.test(f);

function unitOf(f: string): string {
  if (isShapes(f)) return f;
  if (isHttp(f)) return 'lib/http';
  if (f.startsWith('lib/') && isDev(f)) return 'lib/local';
  const parts = f.split('/');
  if (parts[0] === 'lib') {
    if (parts.length === 2) return f;
    if (parts[1] === 'connectors' && parts.length > 3) return parts.slice(0, 3).join('/');
    return parts.slice(0, 2).join('/');
  }
  return parts.length === 2 ? f : dirname(f);
}

/** Every circle in a graph (one per strongly connected component with more than one node), as a path. */
function circles(graph: Map<string, Set<string>>): string[][] {
  let index = 0;
  const stack: string[] = [];
  const onStack = new Set<string>();
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const found: string[][] = [];
  const connect = (v: string) => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!idx.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1) found.push(pathThrough(graph, new Set(scc)));
    }
  };
  for (const v of graph.keys()) if (!idx.has(v)) connect(v);
  return found;
}

/** One concrete circle inside a strongly connected component, for a readable failure. */
function pathThrough(graph: Map<string, Set<string>>, scc: Set<string>): string[] {
  const start = [...scc].sort()[0];
  const prev = new Map<string, string>();
  const queue = [start];
  while (queue.length) {
    const v = queue.shift()!;
    for (const w of graph.get(v) ?? []) {
      if (!scc.has(w)) continue;
      if (w === start) {
        const path = [v];
        while (path[0] !== start) path.unshift(prev.get(path[0])!);
        return [...path, start];
      }
      if (!prev.has(w)) {
        prev.set(w, v);
        queue.push(w);
      }
    }
  }
  return [...scc];
}

function graphOf(pairs: Array<[string, string]>): Map<string, Set<string>> {
  const g = new Map<string, Set<string>>();
  for (const [a, b] of pairs) {
    if (a === b) continue;
    if (!g.has(a)) g.set(a, new Set());
    if (!g.has(b)) g.set(b, new Set());
    g.get(a)!.add(b);
  }
  return g;
}

describe('import structure', () => {
  it('reads the imports of every source file', () => {
    expect(sources.length).toBeGreaterThan(100);
    expect(edges.length).toBeGreaterThan(sources.length);
  });

  it('finds a circle when there is one, and names it', () => {
    const g = graphOf([['a', 'b'], ['b', 'c'], ['c', 'a'], ['c', 'd'], ['d', 'e']]);
    expect(circles(g)).toEqual([['a', 'b', 'c', 'a']]);
    expect(unitOf('lib/connectors/gcp/oauth.ts')).toBe('lib/connectors/gcp');
    expect(unitOf('lib/commands/grammar/aws.ts')).toBe('lib/commands');
    expect(unitOf('lib/connectors/gcp/routes.ts')).toBe('lib/http');
    expect(unitOf('lib/config.ts')).toBe('lib/config.ts');
  });

  it('has no circle between files (type imports included)', () => {
    expect(circles(graphOf(edges.map((e) => [e.from, e.to]))).map((c) => c.join(' → '))).toEqual([]);
  });

  it('has no circle between units of code', () => {
    // lib/lazy-core.ts binds nothing: the code loaded with import(), in every area, imports it so
    // that esbuild keeps what that code shares with its function in one chunk. The circle between
    // files above still sees its edges, so it can never close a loop of evaluation.
    const hint = readFileSync(join(root, LAZY_CORE), 'utf8').replace(/\/\*\*[\s\S]*?\*\//, '').trim().split('\n');
    expect(hint.filter((line) => !/^import '\.\/[\w/.-]+\.ts';$/.test(line))).toEqual([]);
    const pairs = edges.filter((e) => !e.typeOnly && e.from !== LAZY_CORE && e.to !== LAZY_CORE).map((e): [string, string] => [unitOf(e.from), unitOf(e.to)]);
    expect(circles(graphOf(pairs)).map((c) => c.join(' → '))).toEqual([]);
  });

  it('keeps domain code away from HTTP code, and shipped code away from the local runtime', () => {
    // deploy planning (lib/stacks-plan.ts, lib/stacks/) and the bundler options run at deploy time only
    const shipped = (f: string) => (f.startsWith('lib/') || f.startsWith('functions/')) && !isDev(f) && f !== 'lib/stacks-plan.ts' && !f.startsWith('lib/stacks/') && !f.startsWith('lib/build/');
    const domain = (f: string) => f.startsWith('lib/') && shipped(f) && !isHttp(f) && !isShapes(f);
    const offenders = edges.filter((e) => (domain(e.from) && isHttp(e.to)) || (shipped(e.from) && isDev(e.to))).map((e) => `${e.from} → ${e.to}`);
    expect(offenders).toEqual([]);
  });
});
