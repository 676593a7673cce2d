import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, realpath, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { IRequest } from '../../src/interfaces.js';
import { File } from '../../src/static/file.js';
import type { StaticProducer } from '../../src/static/static-producer.js';
import type { FileResponsePlan } from '../../src/static/file-response-plan.js';
import { renderRequest, FakeRequest } from './fake-request.js';
import { getChildForRequest } from '../../src/resource/resource.js';
import { boundaryOf, parseByteRanges } from './multipart-parse.js';

let base: string;
let root: string;
const DIGITS = '0123456789'.repeat(10); // 100 bytes
const BIG_TEXT = 'All work and no play makes Jack a dull boy.\n'.repeat(2000);
// Random hex: compressible (about 2:1) but never so well that zlib holds all output to the end.
const HEX_TEXT = randomBytes(300_000).toString('hex');
const BINARY = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 7 + (i >> 8)) & 0xff));

beforeAll(async () => {
  base = await realpath(await mkdtemp(join(tmpdir(), 'tw-static-file-')));
  root = join(base, 'www');
  await mkdir(join(root, 'sub'), { recursive: true });
  await mkdir(join(root, 'plain'));
  await writeFile(join(root, 'digits.txt'), DIGITS);
  await writeFile(join(root, 'big.txt'), BIG_TEXT);
  await writeFile(join(root, 'image.png'), BINARY);
  await writeFile(join(root, 'data.bin'), BINARY);
  await writeFile(join(root, 'hex.txt'), HEX_TEXT);
  await writeFile(join(root, 'empty.txt'), '');
  await writeFile(join(root, 'sub', 'index.html'), '<h1>sub</h1>');
  await writeFile(join(root, 'plain', '<b>&.txt'), 'x');
  await writeFile(join(base, 'secret.txt'), 'secret');
  await symlink('/etc', join(root, 'etc'));
  await symlink(join(base, 'secret.txt'), join(root, 'secret-link.txt'));
  await symlink(join(root, 'digits.txt'), join(root, 'digits-link.txt'));
  execFileSync('mkfifo', [join(root, 'fifo')]);
});
afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

const get = (uri: string, headers: Record<string, string | string[]> = {}, options = {}) =>
  renderRequest(new File(root, options), 'GET', uri, headers);

describe('File: GET and HEAD', () => {
  it('serves a file with its type, length and validators', async () => {
    const r = await get('/digits.txt');
    expect(r.code).toBe(200);
    expect(r.body().toString()).toBe(DIGITS);
    expect(r.header('content-type')).toBe('text/plain; charset=utf-8');
    expect(r.header('content-length')).toBe('100');
    expect(r.header('accept-ranges')).toBe('bytes');
    expect(r.header('etag')).toMatch(/^"[0-9a-f]+-64-[0-9a-f]+"$/);
    expect(r.header('last-modified')).toMatch(/ GMT$/);
    expect(r.header('vary')).toBeNull(); // too small to be compressed, either way
  });

  it('answers HEAD with the same headers and no body', async () => {
    const g = await get('/digits.txt');
    const h = await renderRequest(new File(root), 'HEAD', '/digits.txt');
    expect(h.code).toBe(200);
    expect(h.body().length).toBe(0);
    for (const name of [
      'content-type',
      'content-length',
      'etag',
      'last-modified',
      'accept-ranges',
    ]) {
      expect(h.header(name)).toBe(g.header(name));
    }
  });

  it('serves an empty file', async () => {
    const r = await get('/empty.txt');
    expect(r.code).toBe(200);
    expect(r.header('content-length')).toBe('0');
    expect(r.body().length).toBe(0);
  });

  it('serves binary files byte for byte with the default type', async () => {
    const r = await get('/data.bin', {}, { chunkSize: 4096 });
    expect(r.header('content-type')).toBe('application/octet-stream');
    expect(r.body().equals(BINARY)).toBe(true);
  });

  it('refuses other methods with 405 and Allow', async () => {
    const r = await renderRequest(new File(root), 'POST', '/digits.txt');
    expect(r.code).toBe(405);
    expect(r.header('allow')).toContain('GET');
    expect(r.header('allow')).toContain('HEAD');
  });

  it('sets Cache-Control when configured', async () => {
    const r = await get('/digits.txt', {}, { cacheControl: 'public, max-age=60' });
    expect(r.header('cache-control')).toBe('public, max-age=60');
  });

  it('serves a single file as the root', async () => {
    const r = await renderRequest(new File(join(root, 'digits.txt')), 'GET', '/');
    // A file root asked for '' is asked for a directory: 404, as 'file.txt/' is.
    expect(r.code).toBe(404);
    const direct = new FakeRequest('GET', '/');
    const resource = new File(join(root, 'digits.txt'));
    resource.render(direct);
    await direct.whenDone();
    expect(direct.body().toString()).toBe(DIGITS);
  });
});

describe('File: paths', () => {
  it.each([
    ['/missing.txt', 404],
    ['/digits.txt/', 404],
    ['/digits.txt/x', 404],
    ['/..', 403],
    ['/../secret.txt', 403],
    ['/%2e%2e/secret.txt', 403],
    ['/%2E%2E/secret.txt', 403],
    ['/sub/..%2F..%2Fsecret.txt', 403],
    ['/..%5Csecret.txt', 403],
    ['/%252e%252e/secret.txt', 404],
    ['/digits.txt%00.png', 403],
    ['/etc/passwd', 403],
    ['/etc/', 403],
    ['/secret-link.txt', 403],
    ['/fifo', 403],
    ['/plain/', 403],
  ])('%s → %d', async (uri, status) => {
    const r = await get(uri);
    expect(r.code).toBe(status);
    expect(r.body().toString()).not.toContain('secret');
    expect(r.body().toString()).not.toContain('root:');
  });

  it('follows a symlink that stays inside the root', async () => {
    const r = await get('/digits-link.txt');
    expect(r.code).toBe(200);
    expect(r.body().toString()).toBe(DIGITS);
  });

  it('follows a symlink out of the root only with followSymlinksOutsideRoot', async () => {
    const r = await get('/secret-link.txt', {}, { followSymlinksOutsideRoot: true });
    expect(r.code).toBe(200);
    expect(r.body().toString()).toBe('secret');
  });

  it('redirects a directory without its slash, keeping the query', async () => {
    const r = await get('/sub?x=1');
    expect(r.code).toBe(301);
    expect(r.header('location')).toBe('/sub/?x=1');
  });

  it('never redirects to another host', async () => {
    const r = await get('//sub');
    expect(r.code).toBe(301);
    expect(r.header('location')).toBe('/sub/');
  });

  it('serves index.html for a directory', async () => {
    const r = await get('/sub/');
    expect(r.code).toBe(200);
    expect(r.body().toString()).toBe('<h1>sub</h1>');
    expect(r.header('content-type')).toBe('text/html; charset=utf-8');
  });

  it('lists a directory only when asked to, escaping names', async () => {
    expect((await get('/plain/')).code).toBe(403);
    const r = await get('/plain/', {}, { directoryListing: true });
    expect(r.code).toBe(200);
    expect(r.header('content-type')).toBe('text/html; charset=utf-8');
    const html = r.body().toString();
    expect(html).toContain('&lt;b&gt;&amp;.txt');
    expect(html).not.toContain('<b>&');
    const root = await get('/', {}, { directoryListing: true, indexNames: [] });
    expect(root.body().toString()).toContain('href="./digits.txt"');
  });

  it('uses custom index names in order', async () => {
    const r = await get('/', {}, { indexNames: ['nope.html', 'digits.txt'] });
    expect(r.body().toString()).toBe(DIGITS);
  });

  it('keeps putChild children ahead of files', async () => {
    const file = new File(root);
    const other = new File(join(root, 'digits.txt'));
    file.putChild('virtual', other);
    const request = new FakeRequest('GET', '/virtual');
    const resource = getChildForRequest(file, request);
    expect(resource).toBe(other);
  });
});

describe('File: ranges', () => {
  it('answers one range with 206 and the exact bytes', async () => {
    const r = await get('/digits.txt', { range: 'bytes=10-19' });
    expect(r.code).toBe(206);
    expect(r.body().toString()).toBe('0123456789');
    expect(r.header('content-range')).toBe('bytes 10-19/100');
    expect(r.header('content-length')).toBe('10');
    expect(r.header('content-type')).toBe('text/plain; charset=utf-8');
  });

  it('answers a suffix range', async () => {
    const r = await get('/data.bin', { range: 'bytes=-1000' });
    expect(r.code).toBe(206);
    expect(r.body().equals(BINARY.subarray(BINARY.length - 1000))).toBe(true);
  });

  it('answers several ranges with multipart/byteranges', async () => {
    const r = await get('/data.bin', { range: 'bytes=0-9, 100000-100099, -5' });
    expect(r.code).toBe(206);
    const parts = parseByteRanges(r.body(), boundaryOf(r.header('content-type')));
    expect(r.header('content-length')).toBe(String(r.body().length));
    expect(parts.map((p) => p.headers['content-range'])).toEqual([
      'bytes 0-9/300000',
      'bytes 100000-100099/300000',
      'bytes 299995-299999/300000',
    ]);
    expect(parts[1]!.body.equals(BINARY.subarray(100000, 100100))).toBe(true);
    expect(parts[2]!.body.equals(BINARY.subarray(299995))).toBe(true);
    expect(parts[0]!.headers['content-type']).toBe('application/octet-stream');
  });

  it('answers an unsatisfiable range with 416 and bytes */size', async () => {
    const r = await get('/digits.txt', { range: 'bytes=100-' });
    expect(r.code).toBe(416);
    expect(r.header('content-range')).toBe('bytes */100');
  });

  it('answers too many ranges with 416', async () => {
    const many = 'bytes=' + Array.from({ length: 20 }, (_, i) => `${i * 3}-${i * 3}`).join(',');
    expect((await get('/digits.txt', { range: many })).code).toBe(416);
  });

  it('ignores an invalid Range and an unknown unit', async () => {
    expect((await get('/digits.txt', { range: 'bytes=5-1' })).code).toBe(200);
    expect((await get('/digits.txt', { range: 'pages=1-2' })).code).toBe(200);
  });

  it('honours If-Range only when it matches', async () => {
    const etag = (await get('/digits.txt')).header('etag')!;
    expect((await get('/digits.txt', { range: 'bytes=0-0', 'if-range': etag })).code).toBe(206);
    const stale = await get('/digits.txt', { range: 'bytes=0-0', 'if-range': '"stale"' });
    expect(stale.code).toBe(200);
    expect(stale.body().toString()).toBe(DIGITS);
  });

  it('ignores Range on HEAD', async () => {
    const r = await renderRequest(new File(root), 'HEAD', '/digits.txt', { range: 'bytes=0-0' });
    expect(r.code).toBe(200);
    expect(r.header('content-length')).toBe('100');
  });
});

describe('File: conditional requests', () => {
  it('answers 304 without a body for a matching If-None-Match', async () => {
    const etag = (await get('/digits.txt')).header('etag')!;
    const r = await get(
      '/digits.txt',
      { 'if-none-match': `"other", W/${etag}` },
      { cacheControl: 'no-cache' },
    );
    expect(r.code).toBe(304);
    expect(r.body().length).toBe(0);
    expect(r.header('etag')).toBe(etag);
    expect(r.header('cache-control')).toBe('no-cache');
    expect(r.header('content-length')).toBeNull();
    expect(r.header('content-type')).toBeNull();
  });

  it('answers 304 for If-Modified-Since at or after Last-Modified', async () => {
    const lastModified = (await get('/digits.txt')).header('last-modified')!;
    expect((await get('/digits.txt', { 'if-modified-since': lastModified })).code).toBe(304);
    expect(
      (await get('/digits.txt', { 'if-modified-since': 'Thu, 01 Jan 1970 00:00:00 GMT' })).code,
    ).toBe(200);
  });

  it('answers 412 for a failing If-Match or If-Unmodified-Since', async () => {
    expect((await get('/digits.txt', { 'if-match': '"nope"' })).code).toBe(412);
    expect(
      (await get('/digits.txt', { 'if-unmodified-since': 'Thu, 01 Jan 1970 00:00:00 GMT' })).code,
    ).toBe(412);
    const etag = (await get('/digits.txt')).header('etag')!;
    expect((await get('/digits.txt', { 'if-match': etag })).code).toBe(200);
  });

  it('changes the ETag when the file changes', async () => {
    const path = join(root, 'changing.txt');
    await writeFile(path, 'one');
    const first = (await get('/changing.txt')).header('etag');
    await writeFile(path, 'two!');
    const second = (await get('/changing.txt')).header('etag');
    expect(second).not.toBe(first);
    expect((await get('/changing.txt', { 'if-none-match': first! })).code).toBe(200);
  });
});

describe('File: gzip', () => {
  it('compresses a compressible file when asked, and the bytes round-trip', async () => {
    const r = await get('/big.txt', { 'accept-encoding': 'gzip, deflate' });
    expect(r.code).toBe(200);
    expect(r.header('content-encoding')).toBe('gzip');
    expect(r.header('vary')).toBe('Accept-Encoding');
    expect(r.header('content-length')).toBeNull();
    expect(r.header('etag')).toMatch(/-gzip"$/);
    const body = r.body();
    expect(body.length).toBeLessThan(BIG_TEXT.length / 10);
    expect(gunzipSync(body).toString()).toBe(BIG_TEXT);
  });

  it('sends identity with Vary when not asked', async () => {
    const r = await get('/big.txt');
    expect(r.header('content-encoding')).toBeNull();
    expect(r.header('vary')).toBe('Accept-Encoding');
    expect(r.header('content-length')).toBe(String(BIG_TEXT.length));
  });

  it('does not compress ranges, images, small files, or when turned off', async () => {
    const ranged = await get('/big.txt', { 'accept-encoding': 'gzip', range: 'bytes=0-9' });
    expect(ranged.code).toBe(206);
    expect(ranged.header('content-encoding')).toBeNull();
    expect(
      (await get('/image.png', { 'accept-encoding': 'gzip' })).header('content-encoding'),
    ).toBeNull();
    expect(
      (await get('/digits.txt', { 'accept-encoding': 'gzip' })).header('content-encoding'),
    ).toBeNull();
    const off = await get('/big.txt', { 'accept-encoding': 'gzip' }, { gzip: false });
    expect(off.header('content-encoding')).toBeNull();
    expect(off.header('vary')).toBeNull();
  });

  it('answers 304 to the gzip ETag from a gzip-accepting client', async () => {
    const etag = (await get('/big.txt', { 'accept-encoding': 'gzip' })).header('etag')!;
    const r = await get('/big.txt', { 'accept-encoding': 'gzip', 'if-none-match': etag });
    expect(r.code).toBe(304);
  });
});

/** A File whose producers a test can reach. */
class ObservedFile extends File {
  readonly producers: StaticProducer[] = [];
  protected override makeProducer(
    request: IRequest,
    fd: number,
    plan: Extract<FileResponsePlan, { kind: 'body' }>,
  ): StaticProducer {
    const producer = super.makeProducer(request, fd, plan);
    this.producers.push(producer);
    return producer;
  }
}

/**
 * Wait until `condition` holds, yielding to I/O in between. Bounded by a count of polls, not a
 * time: file reads and zlib run on libuv's thread pool, which a busy machine may keep waiting.
 */
async function until(condition: () => boolean): Promise<void> {
  for (let i = 0; i < 20_000 && !condition(); i++) {
    await new Promise((r) => (i < 100 ? setImmediate(r) : setTimeout(r, 1)));
  }
  if (!condition()) throw new Error('condition never became true');
}

describe('File: streaming with back-pressure', () => {
  it('writes no more than one chunk while paused, and resumes to the end', async () => {
    const file = new ObservedFile(root, { chunkSize: 1000 });
    const request = new FakeRequest('GET', '/data.bin');
    request.pauseOnWrite = true;
    getChildForRequest(file, request).render(request);
    await until(() => file.producers.length === 1 && file.producers[0]!.paused);
    const producer = file.producers[0]!;
    let resumes = 0;
    while (!request.finished) {
      const before = request.chunks.length;
      // Paused: nothing more arrives, however long we wait for I/O.
      for (let i = 0; i < 3; i++) await new Promise((r) => setImmediate(r));
      expect(request.chunks.length).toBe(before);
      producer.resumeProducing();
      resumes++;
      await until(() => producer.paused || request.finished);
      expect(request.chunks.length - before).toBeLessThanOrEqual(1);
      expect(resumes).toBeLessThan(1000);
    }
    expect(producer.pauseCount).toBeGreaterThanOrEqual(299);
    expect(request.body().equals(BINARY)).toBe(true);
  });

  it('keeps back-pressure while gzipping', async () => {
    const file = new ObservedFile(root, { chunkSize: 4096 });
    const request = new FakeRequest('GET', '/hex.txt', { 'accept-encoding': 'gzip' });
    request.pauseOnWrite = true;
    getChildForRequest(file, request).render(request);
    await until(() => file.producers.length === 1);
    const producer = file.producers[0]!;
    for (let i = 0; i < 1000 && !request.finished; i++) {
      await until(() => producer.paused || request.finished);
      producer.resumeProducing();
    }
    await request.whenDone();
    expect(producer.pauseCount).toBeGreaterThan(5);
    expect(gunzipSync(request.body()).toString()).toBe(HEX_TEXT);
  });

  it('stops reading when the connection is lost', async () => {
    const file = new ObservedFile(root, { chunkSize: 1000 });
    const request = new FakeRequest('GET', '/');
    request.postpath.splice(0, request.postpath.length, 'data.bin');
    request.pauseOnWrite = true;
    getChildForRequest(file, request).render(request);
    await until(() => request.chunks.length === 1);
    const child = request.producer as StaticProducer;
    request.loseConnection();
    child.resumeProducing();
    for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
    expect(request.chunks.length).toBe(1);
  });

  it('cuts the connection when the file shrinks under it', async () => {
    const path = join(root, 'shrinking.bin');
    await writeFile(path, BINARY);
    const file = new File(root, { chunkSize: 1000 });
    const request = new FakeRequest('GET', '/shrinking.bin');
    request.pauseOnWrite = true;
    getChildForRequest(file, request).render(request);
    await until(() => request.chunks.length === 1);
    const producer = request.producer as StaticProducer;
    await truncate(path, 1500);
    for (let i = 0; i < 10 && !request.transport.aborted; i++) {
      producer.resumeProducing();
      await until(() => producer.paused || request.transport.aborted);
    }
    expect(request.transport.aborted).toBe(true);
    expect(request.finished).toBe(false);
    expect(request.body().length).toBe(1500);
  });
});
