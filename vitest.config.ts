import { defineConfig } from 'vitest/config';

// One run covers every workspace package (each project sets its own timeouts: projects do not
// inherit root test options). Packages resolve each other's TypeScript sources
// through the "@tw/source" export condition, so tests never need a prior build.
export default defineConfig({
  resolve: { conditions: ['@tw/source'] },
  ssr: { resolve: { conditions: ['@tw/source'] } },
  test: {
    projects: ['packages/*', 'apps/*', 'examples/*', 'scripts'],
  },
});
