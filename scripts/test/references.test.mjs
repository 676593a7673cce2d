import { describe, expect, it } from 'vitest';
import { findReferenceProblems } from '../lib/references.mjs';
import { topologicalOrder, workspaceDependencyNames } from '../lib/workspace.mjs';

const root = '/repo';

/** A workspace of core ← echo, where everything is consistent unless a test changes it. */
function workspace(overrides = {}) {
  const packages = [
    {
      name: '@tw/core',
      dir: '/repo/packages/core',
      hasTsconfig: true,
      workspaceDeps: [],
      references: [],
    },
    {
      name: '@tw/example-echo',
      dir: '/repo/examples/echo',
      hasTsconfig: true,
      workspaceDeps: ['@tw/core'],
      references: ['../../packages/core'],
    },
  ];
  const tsconfigs = new Set(packages.map((pkg) => `${pkg.dir}/tsconfig.json`));
  return {
    rootDir: root,
    rootReferences: ['packages/core', 'examples/echo'],
    packages,
    exists: (path) => tsconfigs.has(path),
    ...overrides,
  };
}

describe('findReferenceProblems', () => {
  it('accepts references that mirror dependencies, written as dirs or as tsconfig files', () => {
    expect(findReferenceProblems(workspace())).toEqual([]);
    const ws = workspace({ rootReferences: ['./packages/core/tsconfig.json', 'examples/echo/'] });
    ws.packages[1].references = ['../../packages/core/tsconfig.json'];
    expect(findReferenceProblems(ws)).toEqual([]);
  });

  it('reports a workspace dependency the tsconfig does not reference, with the path to add', () => {
    const ws = workspace();
    ws.packages[1].references = [];
    expect(findReferenceProblems(ws)).toEqual([
      '@tw/example-echo depends on @tw/core, but examples/echo/tsconfig.json does not reference it — ' +
        'add { "path": "../../packages/core" } to its "references"',
    ]);
  });

  it('reports a reference to a workspace package that is not a dependency', () => {
    const ws = workspace();
    ws.packages[0].references = ['../../examples/echo'];
    expect(findReferenceProblems(ws)).toEqual([
      'packages/core/tsconfig.json references examples/echo, but @tw/core does not depend on ' +
        '@tw/example-echo — add "@tw/example-echo": "workspace:*" to its package.json or remove the reference',
    ]);
  });

  it('allows references to a sub-project inside the package itself', () => {
    const ws = workspace();
    ws.packages[0].references = ['./tsconfig.browser.json'];
    const exists = (path) =>
      path === '/repo/packages/core/tsconfig.browser.json' || workspace().exists(path);
    expect(findReferenceProblems({ ...ws, exists })).toEqual([]);
  });

  it('reports references to projects that do not exist', () => {
    const ws = workspace({ rootReferences: ['packages/core', 'examples/echo', 'packages/gone'] });
    ws.packages[1].references.push('../missing');
    expect(findReferenceProblems(ws)).toEqual([
      'examples/echo/tsconfig.json references "../missing", which has no tsconfig — remove it',
      'tsconfig.json (root) references "packages/gone", which has no tsconfig — remove it',
    ]);
  });

  it('reports a package the root solution leaves out, and ignores packages without a tsconfig', () => {
    const ws = workspace({ rootReferences: ['packages/core'] });
    ws.packages.push({
      name: 'plain-js',
      dir: '/repo/examples/js',
      hasTsconfig: false,
      workspaceDeps: ['@tw/core'],
      references: [],
    });
    expect(findReferenceProblems(ws)).toEqual([
      'tsconfig.json (root) does not reference @tw/example-echo — add { "path": "examples/echo" } to its "references"',
    ]);
  });

  it('needs no reference to a workspace dependency that has no tsconfig', () => {
    const ws = workspace();
    ws.packages.push({
      name: 'plain-js',
      dir: '/repo/examples/js',
      hasTsconfig: false,
      workspaceDeps: [],
      references: [],
    });
    ws.packages[1].workspaceDeps.push('plain-js');
    expect(findReferenceProblems(ws)).toEqual([]);
  });
});

describe('workspaceDependencyNames', () => {
  it('counts workspace: specs in every dependency field, once, and nothing from the registry', () => {
    const manifest = {
      dependencies: { '@tw/core': 'workspace:*', 'node-forge': '^1.3.1' },
      peerDependencies: { '@tw/core': 'workspace:^' },
      devDependencies: { '@tw/cli': 'workspace:*', '@tw/other': '^1.0.0' },
    };
    const names = new Set(['@tw/core', '@tw/cli', '@tw/other']);
    expect(workspaceDependencyNames(manifest, names)).toEqual(['@tw/cli', '@tw/core']);
  });
});

describe('topologicalOrder', () => {
  const pkg = (name, deps = []) => ({
    name,
    manifest: { dependencies: Object.fromEntries(deps.map((dep) => [dep, 'workspace:*'])) },
  });

  it('puts every package after the workspace packages it depends on', () => {
    const order = topologicalOrder([
      pkg('cli', ['core', 'finger']),
      pkg('finger', ['core']),
      pkg('core'),
    ]);
    expect(order.map((p) => p.name)).toEqual(['core', 'finger', 'cli']);
  });

  it('names the cycle when there is one', () => {
    expect(() => topologicalOrder([pkg('a', ['b']), pkg('b', ['a'])])).toThrow('a → b → a');
  });
});
