/**
 * How every Lambda is bundled. `npm run bench` builds with these options; stacks/functions.ts
 * passes SST the one that changes what goes into a bundle, `external` (SST's `nodejs.esbuild` takes
 * no `alias` or plugins, and its Go build reads only `external` and `target` from it). The rest
 * SST does the same way (sst/sst pkg/runtime/node/build.go: ESM, node platform, minify, `module`
 * before `main`, a createRequire banner of its own, which is why ours is not passed: a second
 * `const require` would not parse). What SST adds and cannot be told otherwise: keepNames, legal
 * comments and an esnext target, about 6% more bytes than the bench reports.
 */
export const LAMBDA_NODE_TARGET = 'node24';

export const bundleOptions = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: LAMBDA_NODE_TARGET,
  minify: true,
  treeShaking: true,
  // The nodejs24.x runtime ships AWS SDK v3 (the CDK's NodejsFunction leaves it out of bundles by
  // default for the same reason). Bundling it would cost ~350 KB per function and the parse time
  // of a second copy; package-lock pins the version tests run against.
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
  external: ['@aws-sdk/*', 'web-streams-polyfill'] as string[],
  mainFields: ['module', 'main'] as string[],
  // ESM bundles of CommonJS dependencies still call require(); give them one.
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  legalComments: 'none',
} as const;
