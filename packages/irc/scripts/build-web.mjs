#!/usr/bin/env node
/**
 * Bundles the IRC web client (web/) for browsers with esbuild into dist/web/: index.html,
 * app.js (+ map) and app.css. @tw/core resolves through its "browser" export condition to the
 * browser-safe entry, so a `node:` import anywhere in the graph fails the build.
 *
 *   node scripts/build-web.mjs [outDir]
 */
import { copyFile, mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import * as esbuild from 'esbuild';

const packageDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const webDir = join(packageDir, 'web');

/**
 * Build the page into `outDir` (default dist/web). `fromSource` bundles the workspace's
 * TypeScript sources (the "@tw/source" condition) instead of the packages' built dist.
 * Returns esbuild's metafile, which lists every module that went in.
 */
export async function buildWebClient({
  outDir = join(packageDir, 'dist', 'web'),
  fromSource = false,
  minify = true,
} = {}) {
  await mkdir(outDir, { recursive: true });
  const result = await esbuild.build({
    entryPoints: [join(webDir, 'app.ts')],
    outfile: join(outDir, 'app.js'),
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: ['es2022', 'chrome111', 'firefox115', 'safari16.4'],
    conditions: fromSource ? ['@tw/source'] : [],
    sourcemap: true,
    minify,
    metafile: true,
    legalComments: 'none',
    logLevel: 'warning',
  });
  await copyFile(join(webDir, 'index.html'), join(outDir, 'index.html'));
  await copyFile(join(webDir, 'app.css'), join(outDir, 'app.css'));
  return result.metafile;
}

if (process.argv[1] !== undefined && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const outDir = process.argv[2] === undefined ? undefined : resolve(process.argv[2]);
  const metafile = await buildWebClient(outDir === undefined ? {} : { outDir });
  const bytes = Object.values(metafile.outputs).reduce((sum, output) => sum + output.bytes, 0);
  console.log(`web client bundled: ${Object.keys(metafile.inputs).length} modules, ${bytes} bytes`);
}
