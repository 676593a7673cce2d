/**
 * The web client's bundle is browser-safe: esbuild resolves @tw/core through its "browser"
 * condition, and nothing in the module graph imports a `node:` module or a Node builtin.
 */
import { readFile, rm } from 'node:fs/promises';
import { builtinModules } from 'node:module';
import { join, resolve } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { buildWebClientForTest } from './web-build.js';

let built: Awaited<ReturnType<typeof buildWebClientForTest>>;

beforeAll(async () => {
  built = await buildWebClientForTest();
});

afterAll(async () => {
  await rm(built.dir, { recursive: true, force: true });
});

const nodeBuiltins = new Set(builtinModules);

describe('the IRC web client bundle', () => {
  it('imports no node: module and no Node builtin, anywhere in its graph', () => {
    const inputs = Object.keys(built.metafile.inputs);
    const imports = Object.values(built.metafile.inputs).flatMap((input) => input.imports);
    expect(inputs.filter((path) => path.startsWith('node:') || nodeBuiltins.has(path))).toEqual([]);
    expect(
      imports.filter(
        (entry) =>
          entry.external === true || entry.path.startsWith('node:') || nodeBuiltins.has(entry.path),
      ),
    ).toEqual([]);
  });

  it('takes @tw/core and @tw/irc from their browser entries', () => {
    // esbuild names inputs relative to the working directory: made absolute, the checks below
    // hold wherever vitest runs from.
    const inputs = Object.keys(built.metafile.inputs).map((path) => resolve(path));
    expect(inputs.some((path) => path.endsWith('core/src/browser/index.ts'))).toBe(true);
    expect(inputs.some((path) => path.endsWith('core/src/index.ts'))).toBe(false);
    expect(inputs.some((path) => path.endsWith('irc/src/client/connection.ts'))).toBe(true);
    // `import … from '@tw/irc'` in the page resolves to @tw/irc's browser entry too.
    expect(inputs.some((path) => path.endsWith('irc/src/browser.ts'))).toBe(true);
    expect(inputs.some((path) => path.endsWith('irc/src/index.ts'))).toBe(false);
    // Nothing of the Node reactor's I/O or of the IRC server is in a page.
    expect(
      inputs.filter((path) => /reactor\/node\/(?!lifecycle)|irc\/src\/server\//.test(path)),
    ).toEqual([]);
  });

  it('writes index.html, app.js and app.css, the page loading the script as a module', async () => {
    const html = await readFile(join(built.dir, 'index.html'), 'utf8');
    expect(html).toContain('<script type="module" src="app.js"></script>');
    expect(html).toContain('href="app.css"');
    const script = await readFile(join(built.dir, 'app.js'), 'utf8');
    expect(script).toContain('BrowserReactor');
    expect(script).not.toMatch(/\binnerHTML\b/);
    expect((await readFile(join(built.dir, 'app.css'), 'utf8')).length).toBeGreaterThan(0);
  });
});
