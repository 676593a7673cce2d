import { readdir, realpath } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import type { PackageManifest } from './manifest.js';
import {
  keepFirstOfEachName,
  loadDeclaredPlugins,
  readPackageJson,
  type PluginLoadResult,
} from './load-package.js';
import type { PluginLoadError } from './errors.js';

export interface DiscoverPluginsOptions {
  /**
   * Where to look, in order of preference (default: the current directory): each path's
   * `node_modules`, then its ancestors' `node_modules`, as Node resolves packages.
   */
  readonly searchPaths?: readonly string[];
}

interface Candidate {
  readonly packageDir: string;
  readonly manifest: PackageManifest;
}

/**
 * Find the installed packages that declare `tw` plugins (a `"tw": { "plugins": [...] }` field
 * in package.json), import their plugin modules and check each plugin. Looks in the
 * `node_modules` of every search path and of its ancestors, including scoped packages
 * (`@scope/name`) and symlinked ones (pnpm, workspace packages). Where two folders hold a
 * package of the same name, the nearer one wins, as with Node's resolution.
 *
 * A broken package or plugin is reported in `errors` (a PluginLoadError naming the package and
 * what is wrong) and never hides the others; a second plugin with a name already taken is
 * reported as a DuplicatePluginNameError and left out.
 *
 * Nothing is read until this is called: importing @tw/core never touches the filesystem.
 */
export async function discoverPlugins(
  options: DiscoverPluginsOptions = {},
): Promise<PluginLoadResult> {
  const searchPaths = options.searchPaths ?? [process.cwd()];
  const { candidates, errors } = await findPluginPackages(searchPaths);
  const loaded = await Promise.all(
    candidates.map((candidate) => loadDeclaredPlugins(candidate.packageDir, candidate.manifest)),
  );
  const merged = keepFirstOfEachName(loaded);
  return { plugins: merged.plugins, errors: [...errors, ...merged.errors] };
}

async function findPluginPackages(
  searchPaths: readonly string[],
): Promise<{ candidates: Candidate[]; errors: PluginLoadError[] }> {
  const candidates: Candidate[] = [];
  const errors: PluginLoadError[] = [];
  const visitedFolders = new Set<string>();
  const seenPackages = new Set<string>();
  const seenNames = new Set<string>();
  for (const searchPath of searchPaths) {
    for (const nodeModules of nodeModulesFolders(resolve(searchPath))) {
      if (visitedFolders.has(nodeModules)) continue;
      visitedFolders.add(nodeModules);
      const packageDirs = await listPackageDirs(nodeModules);
      const found = await Promise.all(packageDirs.map((dir) => inspectPackage(dir)));
      for (const entry of found) {
        if (entry === null) continue;
        if ('error' in entry) {
          errors.push(entry.error);
          continue;
        }
        const name = entry.manifest.name ?? basename(entry.packageDir);
        // The same package reached twice (a symlink and its target), or shadowed by a nearer one.
        if (seenPackages.has(entry.packageDir) || seenNames.has(name)) continue;
        seenPackages.add(entry.packageDir);
        seenNames.add(name);
        candidates.push(entry);
      }
    }
  }
  return { candidates, errors };
}

/** `<dir>/node_modules` for `start` and each of its ancestors, nearest first. */
function* nodeModulesFolders(start: string): Generator<string> {
  let dir = start;
  for (;;) {
    yield join(dir, 'node_modules');
    const parent = dirname(dir);
    if (parent === dir) return;
    dir = parent;
  }
}

/** The package folders directly in `nodeModules`, scoped ones included, sorted by name. */
async function listPackageDirs(nodeModules: string): Promise<string[]> {
  const names = await listEntries(nodeModules);
  const dirs: string[] = [];
  for (const name of names) {
    if (name.startsWith('@')) {
      for (const scoped of await listEntries(join(nodeModules, name))) {
        dirs.push(join(nodeModules, name, scoped));
      }
    } else {
      dirs.push(join(nodeModules, name));
    }
  }
  return dirs;
}

/** Names in `dir` that may be packages (folders or symlinks, not dot-folders such as .bin, .pnpm). */
async function listEntries(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    return entries
      .filter(
        (entry) => !entry.name.startsWith('.') && (entry.isDirectory() || entry.isSymbolicLink()),
      )
      .map((entry) => entry.name)
      .sort();
  } catch {
    return []; // No such folder (most ancestors have none), or not readable: nothing here.
  }
}

/**
 * The package in `dir` if it declares plugins; null when it does not (or is no package). A
 * package.json that does not parse is only reported when it mentions "tw", since discovery
 * cannot tell otherwise whether the package meant to offer a plugin.
 */
async function inspectPackage(dir: string): Promise<Candidate | { error: PluginLoadError } | null> {
  let packageDir: string;
  try {
    packageDir = await realpath(dir);
  } catch {
    return null; // A dangling symlink.
  }
  const read = await readPackageJson(packageDir);
  if ('error' in read) return read.text?.includes('"tw"') === true ? { error: read.error } : null;
  if (read.manifest.tw === null) return null;
  return { packageDir, manifest: read.manifest };
}
