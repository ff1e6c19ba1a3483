/**
 * How every Lambda is bundled. stacks/api.ts passes these to SST's esbuild step and
 * `npm run bench` builds with the very same options, so the sizes it reports are the deployed ones.
 */
export const LAMBDA_NODE_TARGET = 'node24';

export const bundleOptions = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: LAMBDA_NODE_TARGET,
  minify: true,
  treeShaking: true,
  // The AWS SDK v3 ships in the Node 24 runtime, but bundling pins the version we tested with.
  external: [] as string[],
  mainFields: ['module', 'main'] as string[],
  // ESM bundles of CommonJS dependencies still call require(); give them one.
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  legalComments: 'none',
} as const;
