import { defineConfig } from 'vitest/config';

/**
 * Three projects, in this order (groupOrder): the main suite; then `browser` (the console in
 * Debian's Chromium, test/browser/), after main so that Chromium's load does not share the two
 * cores with main's concurrency tests; then `hardening` (fuzzing, isolation matrix, leak scan over
 * what the other two captured, consistency after faults).
 */
export default defineConfig({
  test: {
    pool: 'forks',
    // backstops only: no test waits for them to pass; a loaded 2-core machine may take long without anything being wrong
    testTimeout: 120_000,
    hookTimeout: 120_000,
    globalSetup: ['./test/helpers/global-setup.ts'],
    reporters: ['default', './test/helpers/count-reporter.ts'],
    projects: [
      {
        extends: true,
        test: { name: 'main', include: ['test/**/*.test.ts'], exclude: ['test/hardening/**', 'test/browser/**'], sequence: { groupOrder: 0 } },
      },
      {
        extends: true,
        // one file at a time: each drives a whole Chromium, and the machine has two cores
        test: { name: 'browser', include: ['test/browser/**/*.test.ts'], sequence: { groupOrder: 1 }, fileParallelism: false },
      },
      {
        extends: true,
        test: { name: 'hardening', include: ['test/hardening/**/*.test.ts'], sequence: { groupOrder: 2 } },
      },
    ],
  },
});
