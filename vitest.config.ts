import { defineConfig } from 'vitest/config';

// One run covers every workspace package. Packages resolve each other's TypeScript sources
// through the "@tw/source" export condition, so tests never need a prior build.
export default defineConfig({
  resolve: { conditions: ['@tw/source'] },
  ssr: { resolve: { conditions: ['@tw/source'] } },
  test: {
    projects: ['packages/*', 'apps/*', 'examples/*', 'scripts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
  },
});
