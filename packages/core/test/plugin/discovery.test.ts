import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { PluginLoadError } from '../../src/index.js';
import {
  DuplicatePluginNameError,
  discoverPlugins,
  loadPluginFromPackageDir,
  parsePluginOptions,
  type PluginLoadResult,
} from '../../src/index.js';
import { echoPlugin, makeFakeInstall, pluginModule, writePackage } from './fake-node-modules.js';

let tree: ReturnType<typeof makeFakeInstall>;
let result: PluginLoadResult;

beforeAll(async () => {
  tree = makeFakeInstall();
  result = await discoverPlugins({ searchPaths: [tree.sub] });
});

afterAll(() => rmSync(tree.root, { recursive: true, force: true }));

/** The one error about the package installed as node_modules/<folder>. */
function errorFor(folder: string): PluginLoadError {
  const found = result.errors.filter((e) => e.packageDir?.endsWith(folder) === true);
  expect(found, `errors for ${folder}`).toHaveLength(1);
  return found[0]!;
}

describe('discoverPlugins', () => {
  it('finds the good plugins: plain, arrays, scoped, symlinked, and in ancestor folders', () => {
    const names = result.plugins.map((found) => found.plugin.name).sort();
    expect(names).toEqual(['alpha', 'ancestor', 'beta', 'echo', 'linked', 'scoped']);
  });

  it('says where each plugin came from', () => {
    const echo = result.plugins.find((found) => found.plugin.name === 'echo');
    expect(echo).toMatchObject({
      packageName: 'tw-echo',
      packageVersion: '1.2.3',
      modulePath: './plugin.mjs',
    });
    expect(echo?.packageDir).toMatch(/project[\\/]node_modules[\\/]tw-echo$/);
    const linked = result.plugins.find((found) => found.plugin.name === 'linked');
    // Symlinks are resolved: the package's real folder.
    expect(linked?.packageDir).toMatch(/workspace[\\/]linked$/);
    const scoped = result.plugins.find((found) => found.plugin.name === 'scoped');
    expect(scoped?.packageName).toBe('@acme/tw-scoped');
  });

  it('prefers the nearer copy of a package over one in an ancestor node_modules', () => {
    expect(result.plugins.some((found) => found.plugin.name === 'echo-old')).toBe(false);
  });

  it('does not look inside dot-folders such as .pnpm', () => {
    expect(result.plugins.some((found) => found.plugin.name === 'hidden')).toBe(false);
  });

  it('reports each broken package once, naming it and what is wrong', () => {
    expect(errorFor('tw-throws').message).toMatch(/tw-throws.*plugin module exploded/);
    expect(errorFor('tw-throws').cause).toBeInstanceOf(Error);
    const badShape = errorFor('tw-bad-shape');
    expect(badShape.problems.join('\n')).toMatch(/name "Bad Name" must be/);
    expect(badShape.problems.join('\n')).toMatch(/type "int" must be one of/);
    expect(errorFor('tw-no-default').message).toMatch(/no default export/);
    expect(errorFor('tw-unbuilt').message).toMatch(/does not exist \(is the package built\?\)/);
    expect(errorFor('tw-bad-field').message).toMatch(/"tw" field must be an object/);
    expect(errorFor('tw-escape').message).toMatch(/leads outside the package/);
    expect(errorFor('tw-bad-json').message).toMatch(/not valid JSON/);
    for (const error of result.errors) expect(error.code).toMatch(/^TW_PLUGIN_/);
  });

  it('reports a second plugin with a name already taken, keeping the first', () => {
    const duplicate = errorFor('tw-echo-copy');
    expect(duplicate).toBeInstanceOf(DuplicatePluginNameError);
    expect(duplicate.code).toBe('TW_PLUGIN_DUPLICATE_NAME');
    expect((duplicate as DuplicatePluginNameError).keptPackageName).toBe('tw-echo');
    expect(result.plugins.filter((found) => found.plugin.name === 'echo')).toHaveLength(1);
  });

  it('ignores packages without a "tw" field, even ones whose package.json is broken', () => {
    const named = new Set(result.errors.map((e) => e.packageName));
    expect(named.has('left-pad')).toBe(false);
    expect(named.has('@acme/not-plugin')).toBe(false);
    expect(result.errors.every((e) => !e.message.includes('unparseable-unrelated'))).toBe(true);
    expect(result.errors).toHaveLength(8);
  });

  it('gives plugins that work: options parse and makeService runs', async () => {
    const echo = result.plugins.find((found) => found.plugin.name === 'echo')!.plugin;
    const options = parsePluginOptions(echo, { port: 'tcp:7007', verbose: 'true' });
    expect(options).toEqual({ port: 'tcp:7007', verbose: true });
    const service = (await echo.makeService(options, {} as never)) as unknown as {
      options: unknown;
    };
    expect(service.options).toEqual(options);
  });

  it('finds nothing, without errors, where there is no node_modules', async () => {
    const empty = await discoverPlugins({ searchPaths: [join(tree.root, 'workspace')] });
    // Only the ancestor folder of the tree (root/node_modules) is in reach from there.
    expect(empty.plugins.map((found) => found.plugin.name).sort()).toEqual([
      'ancestor',
      'echo-old',
    ]);
    expect(empty.errors).toEqual([]);
  });
});

describe('loadPluginFromPackageDir', () => {
  it('loads the plugins of one package folder', async () => {
    const loaded = await loadPluginFromPackageDir(join(tree.root, 'workspace', 'linked'));
    expect(loaded.errors).toEqual([]);
    expect(loaded.plugins.map((found) => found.plugin.name)).toEqual(['linked']);
  });

  it('reports a folder without package.json, or without a "tw" field', async () => {
    const none = await loadPluginFromPackageDir(tree.sub);
    expect(none.plugins).toEqual([]);
    expect(none.errors[0]?.message).toMatch(/package\.json cannot be read/);
    const plain = await loadPluginFromPackageDir(join(tree.project, 'node_modules', 'left-pad'));
    expect(plain.errors[0]?.message).toMatch(/no "tw" field/);
  });

  it('keeps the good modules of a package when one of several is broken', async () => {
    const dir = join(tree.root, 'mixed');
    writePackage(
      dir,
      { name: 'tw-mixed', tw: { plugins: ['./good.mjs', './bad.mjs', './dup.mjs'] } },
      {
        'good.mjs': pluginModule(echoPlugin('good')),
        'bad.mjs': pluginModule({ name: 'bad', description: 'no options array' }),
        'dup.mjs': pluginModule(echoPlugin('good')),
      },
    );
    const loaded = await loadPluginFromPackageDir(dir);
    expect(loaded.plugins.map((found) => found.plugin.name)).toEqual(['good']);
    expect(loaded.errors.map((e) => e.code)).toEqual([
      'TW_PLUGIN_LOAD_FAILED',
      'TW_PLUGIN_DUPLICATE_NAME',
    ]);
    expect(loaded.errors[0]?.modulePath).toBe('./bad.mjs');
    expect(loaded.errors[0]?.message).toMatch(/options must be an array/);
  });
});
