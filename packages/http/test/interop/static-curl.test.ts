/**
 * Interop: curl (Debian's curl package) against the File resource over real TCP — byte ranges
 * (-r, -C), multipart ranges, --compressed, time conditions (-z), --etag-save/--etag-compare,
 * HEAD (-I) and --path-as-is escapes. In CI a missing curl fails these tests; elsewhere they
 * are skipped with a warning naming the package to install.
 */
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readFile, realpath, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { File } from '../../src/static/file.js';
import { boundaryOf, parseByteRanges } from '../static/multipart-parse.js';
import { startStaticServer, type StaticServer } from '../static/static-server.js';

const run = promisify(execFile);

function curlInstalled(): boolean {
  try {
    execFileSync('curl', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const HAVE_CURL = curlInstalled();
if (!HAVE_CURL && process.env['CI'] !== 'true') {
  console.warn(
    '\n*** curl is not installed: SKIPPING test/interop/static-curl.test.ts (apt-get install curl) ***\n',
  );
}

let base: string;
let root: string;
let out: string;
let server: StaticServer;
const BINARY = randomBytes(150_000);
const TEXT = randomBytes(50_000).toString('hex');

/** Run curl; returns its stdout (headers with -D -, or the body), exit code 0 expected. */
async function curl(...args: string[]): Promise<string> {
  const { stdout } = await run('curl', ['--silent', '--show-error', ...args], {
    encoding: 'latin1',
    maxBuffer: 16 * 1024 * 1024,
  });
  return stdout;
}

const url = (path: string) => `http://127.0.0.1:${server.port}${path}`;
const statusOf = (headers: string) => Number(/^HTTP\/1\.1 (\d{3})/m.exec(headers)?.[1]);
const headerOf = (headers: string, name: string) =>
  new RegExp(`^${name}: *(.*?)\\r?$`, 'im').exec(headers)?.[1] ?? null;

beforeAll(async () => {
  if (!HAVE_CURL) {
    if (process.env['CI'] === 'true') {
      throw new Error(
        'curl is missing in CI: install the Debian package curl (scripts/install-peers.sh)',
      );
    }
    return;
  }
  base = await realpath(await mkdtemp(join(tmpdir(), 'tw-static-curl-')));
  root = join(base, 'www');
  out = join(base, 'out');
  await mkdir(root, { recursive: true });
  await mkdir(out);
  await writeFile(join(root, 'data.bin'), BINARY);
  await writeFile(join(root, 'text.txt'), TEXT);
  await writeFile(join(base, 'secret.txt'), 'TOP-SECRET');
  server = await startStaticServer(new File(root));
});
afterAll(async () => {
  if (!HAVE_CURL) return;
  await server.stop();
  await rm(base, { recursive: true, force: true });
});

describe.skipIf(!HAVE_CURL && process.env['CI'] !== 'true')('curl against File', () => {
  it('downloads a file whole', async () => {
    const target = join(out, 'whole.bin');
    await curl('-o', target, url('/data.bin'));
    expect((await readFile(target)).equals(BINARY)).toBe(true);
  });

  it('fetches one range with -r', async () => {
    const target = join(out, 'range.bin');
    const headers = await curl('-r', '100-1099', '-D', '-', '-o', target, url('/data.bin'));
    expect(statusOf(headers)).toBe(206);
    expect(headerOf(headers, 'Content-Range')).toBe(`bytes 100-1099/${BINARY.length}`);
    expect((await readFile(target)).equals(BINARY.subarray(100, 1100))).toBe(true);
  });

  it('resumes a download with -C', async () => {
    const target = join(out, 'resume.bin');
    await writeFile(target, BINARY.subarray(0, 70_000));
    await curl('-C', '-', '-o', target, url('/data.bin'));
    expect((await readFile(target)).equals(BINARY)).toBe(true);
  });

  it('fetches several ranges as multipart/byteranges', async () => {
    const target = join(out, 'multi.bin');
    const headers = await curl('-r', '0-9,-10,500-599', '-D', '-', '-o', target, url('/data.bin'));
    expect(statusOf(headers)).toBe(206);
    const parts = parseByteRanges(
      await readFile(target),
      boundaryOf(headerOf(headers, 'Content-Type')),
    );
    expect(parts.map((p) => p.body.length)).toEqual([10, 10, 100]);
    expect(parts[1]!.body.equals(BINARY.subarray(BINARY.length - 10))).toBe(true);
    expect(parts[2]!.body.equals(BINARY.subarray(500, 600))).toBe(true);
  });

  it('gets 416 for a range past the end', async () => {
    const headers = await curl(
      '-r',
      `${BINARY.length}-`,
      '-D',
      '-',
      '-o',
      '/dev/null',
      url('/data.bin'),
    );
    expect(statusOf(headers)).toBe(416);
    expect(headerOf(headers, 'Content-Range')).toBe(`bytes */${BINARY.length}`);
  });

  it('decompresses a gzip response with --compressed', async () => {
    const target = join(out, 'text.txt');
    const headers = await curl('--compressed', '-D', '-', '-o', target, url('/text.txt'));
    expect(headerOf(headers, 'Content-Encoding')).toBe('gzip');
    expect(headerOf(headers, 'Vary')).toBe('Accept-Encoding');
    expect(await readFile(target, 'utf8')).toBe(TEXT);
  });

  it('gets 304 with -z when the file has not changed, and the file when it has', async () => {
    // `-z <file>` sends that file's mtime as If-Modified-Since: here, the served file itself.
    const fresh = await curl(
      '-z',
      join(root, 'data.bin'),
      '-D',
      '-',
      '-o',
      '/dev/null',
      url('/data.bin'),
    );
    expect(statusOf(fresh)).toBe(304);
    const stale = await curl(
      '-z',
      'Thu, 01 Jan 2015 00:00:00 GMT',
      '-D',
      '-',
      '-o',
      '/dev/null',
      url('/data.bin'),
    );
    expect(statusOf(stale)).toBe(200);
  });

  it('gets 412 with -z -date (If-Unmodified-Since) when the file changed since', async () => {
    const headers = await curl(
      '-z',
      '-Thu, 01 Jan 2015 00:00:00 GMT',
      '-D',
      '-',
      '-o',
      '/dev/null',
      url('/data.bin'),
    );
    expect(statusOf(headers)).toBe(412);
  });

  it('revalidates with --etag-save / --etag-compare', async () => {
    const etagFile = join(out, 'etag.txt');
    await curl('--etag-save', etagFile, '-o', '/dev/null', url('/data.bin'));
    expect((await readFile(etagFile, 'utf8')).trim()).toMatch(/^"[0-9a-f-]+"$/);
    const headers = await curl(
      '--etag-compare',
      etagFile,
      '-D',
      '-',
      '-o',
      '/dev/null',
      url('/data.bin'),
    );
    expect(statusOf(headers)).toBe(304);
  });

  it('gets the GET headers for -I', async () => {
    const headers = await curl('-I', url('/text.txt'));
    expect(statusOf(headers)).toBe(200);
    expect(headerOf(headers, 'Content-Length')).toBe(String(TEXT.length));
    expect(headerOf(headers, 'Content-Type')).toBe('text/plain; charset=utf-8');
    expect(headerOf(headers, 'Accept-Ranges')).toBe('bytes');
  });

  it.each(['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt'])(
    'cannot leave the root with --path-as-is %s',
    async (path) => {
      const body = await curl('--path-as-is', '-D', '-', url(path));
      expect(statusOf(body)).toBe(403);
      expect(body).not.toContain('TOP-SECRET');
    },
  );
});
