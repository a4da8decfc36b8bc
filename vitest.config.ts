import { defineConfig } from 'vitest/config';

// One run covers every workspace; the summary reporter ends it with the plain line CI reads.
export default defineConfig({
  test: {
    // A focused test (.only) left in a commit would silently skip the rest: CI (CI=true, set by .ci/run) refuses it.
    allowOnly: !process.env.CI,
    reporters: ['default', './vitest.summary-reporter.ts'],
    projects: [
      {
        test: {
          name: 'server',
          root: './server',
          include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
          environment: 'node',
          globalSetup: ['./test/support/global-setup.ts'],
          testTimeout: 30_000,
          hookTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'fakes',
          root: './fakes',
          include: ['test/**/*.test.ts'],
          environment: 'node',
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'web',
          root: './web',
          include: ['test/**/*.test.tsx'],
          environment: 'happy-dom',
          setupFiles: ['./test/setup.ts'],
        },
      },
    ],
  },
});
