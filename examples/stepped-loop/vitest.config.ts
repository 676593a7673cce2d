import { defineProject } from 'vitest/config';

export default defineProject({
  resolve: { conditions: ['@tw/source'] },
  ssr: { resolve: { conditions: ['@tw/source'] } },
  test: {
    name: 'example-stepped-loop',
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
