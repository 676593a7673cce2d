import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@tw/source'] },
  ssr: { resolve: { conditions: ['@tw/source'] } },
  test: {
    name: 'cli',
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // The tests run the built `tw` (dist/bin.js): build it once, before any test file starts.
    globalSetup: ['test/global-setup.ts'],
  },
});
