import { defineConfig } from 'vitest/config';

/**
 * Two projects: the main suite, then `hardening` (fuzzing, isolation matrix, leak scan over what
 * the main suite captured, consistency after faults). groupOrder makes hardening run last.
 */
export default defineConfig({
  test: {
    pool: 'forks',
    testTimeout: 30000,
    hookTimeout: 30000,
    globalSetup: ['./test/helpers/global-setup.ts'],
    reporters: ['default', './test/helpers/count-reporter.ts'],
    projects: [
      {
        extends: true,
        test: { name: 'main', include: ['test/**/*.test.ts'], exclude: ['test/hardening/**'], sequence: { groupOrder: 0 } },
      },
      {
        extends: true,
        test: { name: 'hardening', include: ['test/hardening/**/*.test.ts'], sequence: { groupOrder: 1 } },
      },
    ],
  },
});
