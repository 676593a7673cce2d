#!/usr/bin/env node
// `node scripts/check-packages.mjs` (part of `pnpm check:pkg`, after `pnpm build`): packs every
// public workspace package exactly as `pnpm publish` would (workspace: ranges rewritten,
// publishConfig applied) and lints the tarball with `publint --strict` and
// `attw --profile esm-only` (our packages are ESM-only on purpose, so CommonJS `require` and
// node10 resolution are not checked). Exit code 1 when any package fails.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { listWorkspacePackages, repoRoot, run } from './lib/workspace.mjs';

const bin = (name) => join(repoRoot, 'node_modules', '.bin', name);
const packDir = mkdtempSync(join(tmpdir(), 'tw-check-pkg-'));
const results = [];

try {
  const packages = (await listWorkspacePackages()).filter((pkg) => !pkg.private);
  if (packages.length === 0) throw new Error('no public workspace packages found');
  for (const pkg of packages) {
    console.log(`\n== ${pkg.name}@${pkg.version}`);
    const failures = [];
    const destination = join(packDir, pkg.name.replace(/[@/]/g, '_'));
    let tarball;
    try {
      await run('pnpm', ['pack', '--pack-destination', destination], {
        cwd: pkg.dir,
        timeoutMs: 120_000,
        quiet: true,
      });
      tarball = join(
        destination,
        readdirSync(destination).find((file) => file.endsWith('.tgz')),
      );
    } catch (error) {
      failures.push(`pnpm pack: ${error.message}`);
    }
    if (tarball) {
      for (const [tool, command, args] of [
        ['publint --strict', bin('publint'), ['run', tarball, '--strict']],
        ['attw --profile esm-only', bin('attw'), [tarball, '--profile', 'esm-only']],
      ]) {
        try {
          await run(command, args, { cwd: pkg.dir, timeoutMs: 180_000 });
        } catch (error) {
          failures.push(
            `${tool}: ${/within/.test(error.message) ? error.message : 'failed (output above)'}`,
          );
        }
      }
    }
    results.push({ pkg, failures });
  }
} finally {
  rmSync(packDir, { recursive: true, force: true });
}

console.log('\ncheck-packages summary:');
for (const { pkg, failures } of results) {
  console.log(`  ${failures.length === 0 ? 'PASS' : 'FAIL'}  ${pkg.name}@${pkg.version}`);
  for (const failure of failures) console.log(`        ${failure}`);
}
const failed = results.filter((result) => result.failures.length > 0).length;
if (failed > 0) {
  console.log(
    `check-packages: FAIL (${failed} of ${results.length} packages); run \`pnpm build\` first if dist/ is missing`,
  );
  process.exit(1);
}
console.log(`check-packages: PASS (${results.length} packages)`);
