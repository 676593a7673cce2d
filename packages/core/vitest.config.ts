import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@tw/source'] },
  ssr: { resolve: { conditions: ['@tw/source'] } },
  test: {
    name: 'core',
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Child-process and worker-thread tests run the compiled package: build it once first.
    globalSetup: ['test/global-setup.ts'],
  },
});
