/**
 * Builds the web client from the workspace's TypeScript sources into a fresh directory, for the
 * browser tests (they never depend on a stale dist/). The build script is plain JavaScript.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface Metafile {
  inputs: Record<string, { imports: Array<{ path: string; kind: string; external?: boolean }> }>;
  outputs: Record<string, { bytes: number }>;
}

interface BuildWebModule {
  buildWebClient(options: {
    outDir?: string;
    fromSource?: boolean;
    minify?: boolean;
  }): Promise<Metafile>;
}

/** Bundle the page into a new temporary directory; returns it and esbuild's metafile. */
export async function buildWebClientForTest(): Promise<{ dir: string; metafile: Metafile }> {
  const dir = await mkdtemp(join(tmpdir(), 'tw-irc-web-'));
  const script = new URL('../../scripts/build-web.mjs', import.meta.url).href;
  const { buildWebClient } = (await import(script)) as BuildWebModule;
  const metafile = await buildWebClient({ outDir: dir, fromSource: true, minify: false });
  return { dir, metafile };
}
