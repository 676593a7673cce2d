import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** A plugin module's source: a default export built from `plugin` (JSON) plus a makeService. */
export function pluginModule(plugin: Record<string, unknown> | Record<string, unknown>[]): string {
  const withService = (p: Record<string, unknown>): string =>
    `Object.assign(${JSON.stringify(p)}, { makeService(options) { return { name: null, running: false, parent: null, options, setName() {}, setServiceParent() {}, disownServiceParent() {}, startService() {}, stopService() {} }; } })`;
  const body = Array.isArray(plugin)
    ? `[${plugin.map(withService).join(', ')}]`
    : withService(plugin);
  return `export default ${body};\n`;
}

export function writeFile(path: string, content: string): void {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, content);
}

/** A package folder with a package.json and files. */
export function writePackage(
  dir: string,
  packageJson: Record<string, unknown> | string,
  files: Record<string, string> = {},
): void {
  writeFile(
    join(dir, 'package.json'),
    typeof packageJson === 'string' ? packageJson : JSON.stringify(packageJson, null, 2),
  );
  for (const [name, content] of Object.entries(files)) writeFile(join(dir, name), content);
}

export function echoPlugin(name = 'echo'): Record<string, unknown> {
  return {
    name,
    description: 'Echo what is sent',
    options: [
      { name: 'port', type: 'endpoint', help: 'where to listen', default: 'tcp:7' },
      { name: 'verbose', type: 'boolean', help: 'log each line', short: 'v' },
    ],
  };
}

/**
 * The tree discovery tests run against:
 *
 *   root/node_modules/            tw-ancestor (plugin "ancestor"), tw-echo (shadowed, "echo-old")
 *   root/project/node_modules/    tw-echo, tw-multi, @acme/tw-scoped, @acme/not-plugin,
 *                                 tw-linked → root/workspace/linked, broken ones, .pnpm/hidden
 *   root/project/sub/             a search path with no node_modules of its own
 */
export function makeFakeInstall(): { root: string; project: string; sub: string } {
  const root = mkdtempSync(join(tmpdir(), 'tw-plugins-'));
  const project = join(root, 'project');
  const sub = join(project, 'sub');
  mkdirSync(sub, { recursive: true });
  const nm = join(project, 'node_modules');
  const plugins = { tw: { plugins: ['./plugin.mjs'] } };

  writePackage(
    join(root, 'node_modules', 'tw-ancestor'),
    { name: 'tw-ancestor', ...plugins },
    {
      'plugin.mjs': pluginModule(echoPlugin('ancestor')),
    },
  );
  writePackage(
    join(root, 'node_modules', 'tw-echo'),
    { name: 'tw-echo', ...plugins },
    {
      'plugin.mjs': pluginModule(echoPlugin('echo-old')),
    },
  );

  writePackage(
    join(nm, 'tw-echo'),
    { name: 'tw-echo', version: '1.2.3', ...plugins },
    {
      'plugin.mjs': pluginModule(echoPlugin()),
    },
  );
  writePackage(
    join(nm, 'tw-multi'),
    { name: 'tw-multi', tw: { plugins: ['dist/plugins.mjs'] } },
    {
      'dist/plugins.mjs': pluginModule([echoPlugin('alpha'), echoPlugin('beta')]),
    },
  );
  writePackage(
    join(nm, '@acme', 'tw-scoped'),
    { name: '@acme/tw-scoped', ...plugins },
    {
      'plugin.mjs': pluginModule(echoPlugin('scoped')),
    },
  );
  writePackage(join(nm, '@acme', 'not-plugin'), { name: '@acme/not-plugin' });
  writePackage(join(nm, 'left-pad'), { name: 'left-pad', version: '1.0.0' });
  writePackage(join(nm, 'unparseable-unrelated'), '{ "name": oops');

  writePackage(
    join(root, 'workspace', 'linked'),
    { name: 'tw-linked', ...plugins },
    {
      'plugin.mjs': pluginModule(echoPlugin('linked')),
    },
  );
  symlinkSync(join(root, 'workspace', 'linked'), join(nm, 'tw-linked'), 'dir');

  writePackage(
    join(nm, 'tw-throws'),
    { name: 'tw-throws', ...plugins },
    {
      'plugin.mjs': "throw new Error('plugin module exploded');\n",
    },
  );
  writePackage(
    join(nm, 'tw-bad-shape'),
    { name: 'tw-bad-shape', ...plugins },
    {
      'plugin.mjs': pluginModule({
        name: 'Bad Name',
        description: 'x',
        options: [{ name: 'port', type: 'int', help: 'p' }],
      }),
    },
  );
  writePackage(
    join(nm, 'tw-no-default'),
    { name: 'tw-no-default', ...plugins },
    {
      'plugin.mjs': 'export const plugin = {};\n',
    },
  );
  writePackage(join(nm, 'tw-unbuilt'), {
    name: 'tw-unbuilt',
    tw: { plugins: ['./dist/plugin.js'] },
  });
  writePackage(join(nm, 'tw-bad-field'), { name: 'tw-bad-field', tw: 'yes please' });
  writePackage(join(nm, 'tw-escape'), {
    name: 'tw-escape',
    tw: { plugins: ['../tw-echo/plugin.mjs'] },
  });
  writePackage(join(nm, 'tw-bad-json'), '{ "name": "tw-bad-json", "tw": { "plugins": [ }');
  writePackage(
    join(nm, 'tw-echo-copy'),
    { name: 'tw-echo-copy', ...plugins },
    {
      'plugin.mjs': pluginModule(echoPlugin('echo')),
    },
  );
  // pnpm's store and .bin are not packages: a plugin in there is not installed at top level.
  writePackage(
    join(nm, '.pnpm', 'tw-hidden'),
    { name: 'tw-hidden', ...plugins },
    {
      'plugin.mjs': pluginModule(echoPlugin('hidden')),
    },
  );
  return { root, project, sub };
}
