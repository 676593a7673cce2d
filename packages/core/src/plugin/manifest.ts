import { isAbsolute, relative, resolve, sep } from 'node:path';
import { describeValue } from './plugin-shape.js';

/**
 * The `"tw"` field of a package.json: the modules that export plugins, relative to the package
 * root. `{ "tw": { "plugins": ["./dist/plugin.js"] } }`.
 */
export interface TwManifest {
  readonly plugins: readonly string[];
}

/** A package.json read far enough to tell whether it declares `tw` plugins. */
export interface PackageManifest {
  /** The "name" field, or null when missing or not a string. */
  readonly name: string | null;
  readonly version: string | null;
  /** Present when the package has a "tw" field: the field parsed, or what is wrong with it. */
  readonly tw: { readonly manifest: TwManifest } | { readonly problems: string[] } | null;
}

/** Read the fields discovery needs from a parsed package.json. */
export function readPackageManifest(packageJson: unknown): PackageManifest {
  if (typeof packageJson !== 'object' || packageJson === null || Array.isArray(packageJson)) {
    return { name: null, version: null, tw: { problems: ['package.json is not a JSON object'] } };
  }
  const fields = packageJson as Record<string, unknown>;
  const name = typeof fields['name'] === 'string' ? fields['name'] : null;
  const version = typeof fields['version'] === 'string' ? fields['version'] : null;
  if (!Object.prototype.hasOwnProperty.call(fields, 'tw')) return { name, version, tw: null };
  const problems: string[] = [];
  const manifest = parseTwField(fields['tw'], problems);
  return { name, version, tw: manifest === null ? { problems } : { manifest } };
}

function parseTwField(field: unknown, problems: string[]): TwManifest | null {
  if (typeof field !== 'object' || field === null || Array.isArray(field)) {
    problems.push(
      `its package.json "tw" field must be an object like { "plugins": ["./dist/plugin.js"] }, not ${describeValue(field)}`,
    );
    return null;
  }
  const plugins = (field as Record<string, unknown>)['plugins'];
  if (!Array.isArray(plugins) || plugins.length === 0) {
    problems.push(
      `its package.json "tw.plugins" must be a non-empty array of module paths such as "./dist/plugin.js", not ${describeValue(plugins)}`,
    );
    return null;
  }
  plugins.forEach((entry: unknown, index) => {
    if (typeof entry !== 'string' || entry === '' || isAbsolute(entry)) {
      problems.push(
        `"tw.plugins"[${index}] must be a path relative to the package root such as "./dist/plugin.js", not ${describeValue(entry)}`,
      );
    }
  });
  return problems.length === 0 ? { plugins: plugins as string[] } : null;
}

/**
 * The absolute path of a plugin module named in package.json, or null if the path leads out of
 * the package (`../other/plugin.js`): a package may only point at its own files.
 */
export function resolvePluginModulePath(packageDir: string, modulePath: string): string | null {
  const root = resolve(packageDir);
  const absolute = resolve(root, modulePath);
  const inside = relative(root, absolute);
  if (inside === '' || inside === '..' || inside.startsWith(`..${sep}`) || isAbsolute(inside)) {
    return null;
  }
  return absolute;
}
