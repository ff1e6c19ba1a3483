/**
 * How every Lambda is bundled: what `npm run bench` builds and measures, and, through
 * stacks/functions.ts, what SST builds for `sst deploy`. SST 4's Node build (sst/sst
 * pkg/runtime/node/build.go) takes from `nodejs.esbuild` only target, sourcemap, keepNames, define,
 * banner, external, inject, nodePaths, mainFields and conditions (the EsbuildOptions type of
 * .sst/platform/src/components/esbuild.ts); no alias, plugins or legalComments. The rest it fixes
 * itself: ESM, node platform, bundle, `module` before `main`, keepNames on, its own createRequire
 * banner and ESM shims (which is why our banner is not passed: a second `const require` would not
 * parse), minify from `nodejs.minify`, and the target of the runtime, ES2024 for nodejs24.x. The
 * options below are those same choices, so the bench measures the bundles that deploy.
 */
export const LAMBDA_NODE_TARGET = 'es2024';

export const bundleOptions = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  // SST's target for nodejs24.x; Node 24 runs all of ES2024 natively, so nothing is down-levelled
  target: LAMBDA_NODE_TARGET,
  minify: true,
  keepNames: true,
  treeShaking: true,
  // A module reached only through import() gets a chunk of its own, loaded when that path first
  // runs, instead of being inlined into the entry (SST's `nodejs.splitting`, set beside this in
  // stacks/functions.ts). Without it every lazy import still cost its bytes and parse time at every
  // cold start: the Secrets Manager client and the AWS SDK's credential providers in every
  // function, a connector's check or a CLI's grammar where only one route or provider needs it. esbuild requires
  // an outdir (not an outfile) when splitting.
  splitting: true,
  // The AWS SDK is bundled, not taken from the runtime: the nodejs24.x runtime ships an SDK v3
  // whose version AWS moves on its own schedule, so a deployed function would run a client the
  // suite never ran. Bundled, the functions run exactly the package-lock versions the tests use,
  // at the cost of about 400 KB more per function that reaches a client (`npm run bench`
  // reports each function's size and import time).
  //
  // web-streams-polyfill (~60 KB) is reached only through node-fetch → fetch-blob/index.js
  // (`import './streams.cjs'`), and fetch-blob@3.2.0/streams.cjs requires it only as the last
  // resort of two guards:
  //   if (!globalThis.ReadableStream) {
  //     try { ...; Object.assign(globalThis, require('node:stream/web')) ... }
  //     catch (error) { Object.assign(globalThis, require('web-streams-polyfill/dist/ponyfill.es2018.js')) }
  //   }
  // ReadableStream is a global since Node 18 (and node:stream/web exists since 16.5), so on the
  // nodejs24.x runtime that require never runs. Left external, it stays a require() that is never
  // called; were that ever wrong, it would fail loudly (module not found), not run without streams.
  // No other bundled package imports it.
  external: ['web-streams-polyfill'] as string[],
  mainFields: ['module', 'main'] as string[],
  // ESM bundles of CommonJS dependencies still call require(); give them one (SST adds its own).
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
} as const;

type Outputs = Record<string, { bytes: number; entryPoint?: string; imports: Array<{ path: string; kind: string }> }>;

/**
 * The output files a cold start loads before the handler runs: the entry's and, transitively, the
 * chunks it imports statically (not those behind an import()). Keys of an esbuild metafile's
 * `outputs`; `entry` is the entry point as given to esbuild, relative to its working directory.
 */
export function coldStartOutputs(outputs: Outputs, entry: string): string[] {
  const start = Object.keys(outputs).find((k) => outputs[k].entryPoint === entry);
  if (!start) throw new Error(`no output for entry point ${entry}`);
  const seen = new Set<string>();
  const todo = [start];
  while (todo.length) {
    const k = todo.pop()!;
    if (seen.has(k)) continue;
    seen.add(k);
    for (const i of outputs[k].imports) if (i.kind === 'import-statement' && outputs[i.path]) todo.push(i.path);
  }
  return [...seen];
}
