import { readFile, stat } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { TwPlugin } from '../interfaces/plugin.js';
import { DuplicatePluginNameError, PluginLoadError, type PluginSource } from './errors.js';
import { readPackageManifest, resolvePluginModulePath, type PackageManifest } from './manifest.js';
import { findPluginProblems } from './plugin-shape.js';

/** A plugin found in an installed package, with where it came from. */
export interface DiscoveredPlugin {
  readonly plugin: TwPlugin;
  /** The package's name (its folder name if package.json has none). */
  readonly packageName: string;
  readonly packageVersion: string | null;
  /** The package's folder, symlinks resolved. */
  readonly packageDir: string;
  /** The module as package.json names it, e.g. `./dist/plugin.js`. */
  readonly modulePath: string;
}

/**
 * What loading found: the valid plugins, and one error per thing that was wrong. A broken
 * package or module never hides the good ones.
 */
export interface PluginLoadResult {
  readonly plugins: DiscoveredPlugin[];
  readonly errors: PluginLoadError[];
}

/**
 * Load the plugins of the package in `dir` (the folder holding its package.json), e.g. the
 * project being developed, or a package given by path on the command line. A missing or
 * unreadable package.json, or one without a "tw" field, is reported in `errors`.
 */
export async function loadPluginFromPackageDir(dir: string): Promise<PluginLoadResult> {
  const packageDir = resolve(dir);
  const read = await readPackageJson(packageDir);
  if ('error' in read) return { plugins: [], errors: [read.error] };
  return loadDeclaredPlugins(packageDir, read.manifest);
}

/** package.json of `packageDir`, parsed; or the error that prevented it. */
export async function readPackageJson(
  packageDir: string,
): Promise<
  { manifest: PackageManifest; text: string } | { error: PluginLoadError; text: string | null }
> {
  const source: PluginSource = { packageName: null, packageDir };
  let text: string;
  try {
    text = await readFile(join(packageDir, 'package.json'), 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? String(error);
    return {
      error: new PluginLoadError(source, [`its package.json cannot be read (${reason})`], {
        cause: error,
      }),
      text: null,
    };
  }
  try {
    return { manifest: readPackageManifest(JSON.parse(text)), text };
  } catch (error) {
    return {
      error: new PluginLoadError(
        source,
        [
          `its package.json is not valid JSON (${error instanceof Error ? error.message : String(error)})`,
        ],
        { cause: error },
      ),
      text,
    };
  }
}

/** Import and check every plugin module `manifest` declares. */
export async function loadDeclaredPlugins(
  packageDir: string,
  manifest: PackageManifest,
): Promise<PluginLoadResult> {
  const packageName = manifest.name ?? basename(packageDir);
  const source: PluginSource = { packageName, packageDir };
  if (manifest.tw === null) {
    const advice = 'add "tw": { "plugins": ["./dist/plugin.js"] } naming its plugin modules';
    return {
      plugins: [],
      errors: [new PluginLoadError(source, [`its package.json has no "tw" field; ${advice}`])],
    };
  }
  if ('problems' in manifest.tw) {
    return { plugins: [], errors: [new PluginLoadError(source, manifest.tw.problems)] };
  }
  const perModule = await Promise.all(
    manifest.tw.manifest.plugins.map((modulePath) =>
      loadPluginModule(packageDir, packageName, manifest.version, modulePath),
    ),
  );
  return keepFirstOfEachName(perModule);
}

async function loadPluginModule(
  packageDir: string,
  packageName: string,
  packageVersion: string | null,
  modulePath: string,
): Promise<PluginLoadResult> {
  const source: PluginSource = { packageName, packageDir, modulePath };
  const failed = (problem: string, cause?: unknown): PluginLoadResult => ({
    plugins: [],
    errors: [new PluginLoadError(source, [problem], cause === undefined ? undefined : { cause })],
  });
  const absolute = resolvePluginModulePath(packageDir, modulePath);
  if (absolute === null) return failed('the module path leads outside the package');
  try {
    if (!(await stat(absolute)).isFile()) return failed(`${absolute} is not a file`);
  } catch {
    return failed(`the module ${absolute} does not exist (is the package built?)`);
  }
  let namespace: { default?: unknown };
  try {
    namespace = (await import(pathToFileURL(absolute).href)) as { default?: unknown };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return failed(`importing the module threw: ${message}`, error);
  }
  const exported = namespace.default;
  if (exported === undefined) {
    return failed(
      'the module has no default export; `export default` the plugin (or an array of plugins)',
    );
  }
  const candidates: unknown[] = Array.isArray(exported) ? exported : [exported];
  if (candidates.length === 0) return failed('the module exports an empty array of plugins');
  const result: PluginLoadResult = { plugins: [], errors: [] };
  candidates.forEach((candidate, index) => {
    const problems = findPluginProblems(candidate);
    if (problems.length > 0) {
      const where = Array.isArray(exported) ? `default export[${index}]: ` : 'default export: ';
      result.errors.push(
        new PluginLoadError(
          source,
          problems.map((problem) => where + problem),
        ),
      );
    } else {
      result.plugins.push({
        plugin: candidate as TwPlugin,
        packageName,
        packageVersion,
        packageDir,
        modulePath,
      });
    }
  });
  return result;
}

/**
 * Merge results in order; a plugin whose name was already taken by an earlier one is dropped
 * and reported as a DuplicatePluginNameError (the earlier one is kept).
 */
export function keepFirstOfEachName(results: readonly PluginLoadResult[]): PluginLoadResult {
  const merged: PluginLoadResult = { plugins: [], errors: [] };
  const byName = new Map<string, DiscoveredPlugin>();
  for (const result of results) {
    merged.errors.push(...result.errors);
    for (const found of result.plugins) {
      const kept = byName.get(found.plugin.name);
      if (kept === undefined) {
        byName.set(found.plugin.name, found);
        merged.plugins.push(found);
      } else {
        merged.errors.push(new DuplicatePluginNameError(found.plugin.name, kept, found));
      }
    }
  }
  return merged;
}
