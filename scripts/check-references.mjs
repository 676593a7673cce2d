#!/usr/bin/env node
// `node scripts/check-references.mjs` (part of `pnpm check:pkg`): fails when a package's
// tsconfig.json references do not match its workspace dependencies, or when the root
// tsconfig.json (the solution `tsc -b` builds) leaves a package out. We check rather than
// generate them: update-ts-references 6 needs Node 22, and a diff a person writes is clearer.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { findReferenceProblems } from './lib/references.mjs';
import { listWorkspacePackages, repoRoot, workspaceDependencyNames } from './lib/workspace.mjs';

/** tsconfig files are JSON with comments and trailing commas: let TypeScript read them. */
function readReferences(tsconfigPath) {
  const { config, error } = ts.parseConfigFileTextToJson(
    tsconfigPath,
    readFileSync(tsconfigPath, 'utf8'),
  );
  if (error) {
    throw new Error(`${tsconfigPath}: ${ts.flattenDiagnosticMessageText(error.messageText, '\n')}`);
  }
  return (config.references ?? []).map((reference) => reference.path);
}

const packages = await listWorkspacePackages();
const names = new Set(packages.map((pkg) => pkg.name));
const problems = findReferenceProblems({
  rootDir: repoRoot,
  rootReferences: readReferences(join(repoRoot, 'tsconfig.json')),
  exists: existsSync,
  packages: packages.map((pkg) => {
    const tsconfig = join(pkg.dir, 'tsconfig.json');
    const hasTsconfig = existsSync(tsconfig);
    return {
      name: pkg.name,
      dir: pkg.dir,
      hasTsconfig,
      workspaceDeps: workspaceDependencyNames(pkg.manifest, names),
      references: hasTsconfig ? readReferences(tsconfig) : [],
    };
  }),
});

if (problems.length > 0) {
  console.error(`check-references: ${problems.length} problem(s):`);
  for (const problem of problems) console.error(`  - ${problem}`);
  process.exit(1);
}
console.log(`check-references: ${packages.length} packages, references match dependencies`);
