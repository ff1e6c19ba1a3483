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
  // The nodejs24.x runtime ships AWS SDK v3 (the CDK's NodejsFunction leaves it out of bundles by
  // default for the same reason). Bundling it would cost ~350 KB per function and the parse time
  // of a second copy; package-lock pins the version tests run against.
  external: ['@aws-sdk/*'] as string[],
  mainFields: ['module', 'main'] as string[],
  // ESM bundles of CommonJS dependencies still call require(); give them one.
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  legalComments: 'none',
} as const;
