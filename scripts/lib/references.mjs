// The rule scripts/check-references.mjs enforces, as a pure function so it can be tested on
// made-up workspaces: TypeScript project references must mirror workspace dependencies, or
// `tsc -b` builds packages in the wrong order (or not at all) and go-to-definition breaks.
import { relative, resolve } from 'node:path';

/**
 * @typedef {object} PackageFacts
 * @property {string} name                  package.json name
 * @property {string} dir                   absolute directory
 * @property {boolean} hasTsconfig          whether dir/tsconfig.json exists
 * @property {string[]} workspaceDeps       workspace packages it depends on (any dependency field)
 * @property {string[]} references          tsconfig.json "references" paths, as written
 *
 * @typedef {object} WorkspaceFacts
 * @property {string} rootDir
 * @property {string[]} rootReferences      root tsconfig.json "references" paths, as written
 * @property {PackageFacts[]} packages
 * @property {(path: string) => boolean} exists   whether a referenced tsconfig exists
 */

/** A reference path names a directory (its tsconfig.json) or a tsconfig file: the project's dir. */
export function referencedDir(fromDir, path) {
  const absolute = resolve(fromDir, path);
  return /\.json$/i.test(absolute) ? resolve(absolute, '..') : absolute;
}

function referencedFile(fromDir, path) {
  const absolute = resolve(fromDir, path);
  return /\.json$/i.test(absolute) ? absolute : resolve(absolute, 'tsconfig.json');
}

/** Every mismatch between dependencies and references, as messages that say what to change. */
export function findReferenceProblems(/** @type {WorkspaceFacts} */ workspace) {
  const problems = [];
  const byDir = new Map(workspace.packages.map((pkg) => [pkg.dir, pkg]));
  const byName = new Map(workspace.packages.map((pkg) => [pkg.name, pkg]));
  const shown = (dir) => relative(workspace.rootDir, dir) || '.';

  for (const pkg of workspace.packages) {
    if (!pkg.hasTsconfig) continue;
    const referencedDirs = new Set();
    for (const path of pkg.references) {
      if (!workspace.exists(referencedFile(pkg.dir, path))) {
        problems.push(
          `${shown(pkg.dir)}/tsconfig.json references "${path}", which has no tsconfig — remove it`,
        );
        continue;
      }
      const dir = referencedDir(pkg.dir, path);
      referencedDirs.add(dir);
      const target = byDir.get(dir);
      // References inside the package itself (a sub-project) or outside the workspace are fine.
      if (target && target !== pkg && !pkg.workspaceDeps.includes(target.name)) {
        problems.push(
          `${shown(pkg.dir)}/tsconfig.json references ${shown(dir)}, but ${pkg.name} does not depend on ` +
            `${target.name} — add "${target.name}": "workspace:*" to its package.json or remove the reference`,
        );
      }
    }
    for (const depName of pkg.workspaceDeps) {
      const dep = byName.get(depName);
      if (!dep?.hasTsconfig || referencedDirs.has(dep.dir)) continue;
      const path = relative(pkg.dir, dep.dir);
      problems.push(
        `${pkg.name} depends on ${depName}, but ${shown(pkg.dir)}/tsconfig.json does not reference it — ` +
          `add { "path": "${path}" } to its "references"`,
      );
    }
  }

  const rootDirs = new Set();
  for (const path of workspace.rootReferences) {
    if (!workspace.exists(referencedFile(workspace.rootDir, path))) {
      problems.push(`tsconfig.json (root) references "${path}", which has no tsconfig — remove it`);
      continue;
    }
    rootDirs.add(referencedDir(workspace.rootDir, path));
  }
  for (const pkg of workspace.packages) {
    if (pkg.hasTsconfig && !rootDirs.has(pkg.dir)) {
      problems.push(
        `tsconfig.json (root) does not reference ${pkg.name} — add { "path": "${shown(pkg.dir)}" } to its "references"`,
      );
    }
  }
  return problems;
}
