import { defineProject } from 'vitest/config';

// The release scripts' own logic (scripts/lib/*.mjs), tested without touching the real workspace.
export default defineProject({
  test: { name: 'scripts', include: ['test/**/*.test.mjs'] },
});
