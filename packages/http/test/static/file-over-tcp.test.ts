/**
 * The File resource end to end: HTTPChannel over real loopback TCP, a raw-socket client that
 * sees the exact bytes on the wire.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { File } from '../../src/static/file.js';
import { boundaryOf, parseByteRanges } from './multipart-parse.js';
import { get, rawRequest, startStaticServer, type StaticServer } from './static-server.js';

let base: string;
let root: string;
let server: StaticServer;
const BINARY = randomBytes(200_000);
const TEXT = randomBytes(100_000).toString('hex');

beforeAll(async () => {
  base = await realpath(await mkdtemp(join(tmpdir(), 'tw-static-tcp-')));
  root = join(base, 'www');
  await mkdir(join(root, 'dir'), { recursive: true });
  await writeFile(join(root, 'data.bin'), BINARY);
  await writeFile(join(root, 'text.txt'), TEXT);
  await writeFile(join(root, 'dir', 'index.html'), '<p>index</p>');
  await writeFile(join(base, 'secret.txt'), 'TOP-SECRET');
  await symlink('/etc', join(root, 'etc'));
  server = await startStaticServer(new File(root));
});
afterAll(async () => {
  await server.stop();
  await rm(base, { recursive: true, force: true });
});

describe('File over HTTP/1.1 and TCP', () => {
  it('sends a whole file with Content-Length', async () => {
    const r = await get(server.port, '/data.bin');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-length')).toBe(String(BINARY.length));
    expect(r.body.equals(BINARY)).toBe(true);
  });

  it('answers a single range with 206 and exactly those bytes', async () => {
    const r = await get(server.port, '/data.bin', { Range: 'bytes=1000-1999' });
    expect(r.status).toBe(206);
    expect(r.headers.get('content-range')).toBe(`bytes 1000-1999/${BINARY.length}`);
    expect(r.rawBody.equals(BINARY.subarray(1000, 2000))).toBe(true);
  });

  it('answers several ranges with a multipart/byteranges body that parses back', async () => {
    const r = await get(server.port, '/data.bin', { Range: 'bytes=0-99,-100,5000-5999' });
    expect(r.status).toBe(206);
    expect(Number(r.headers.get('content-length'))).toBe(r.rawBody.length);
    const parts = parseByteRanges(r.body, boundaryOf(r.headers.get('content-type') ?? null));
    expect(parts).toHaveLength(3);
    expect(parts[0]!.body.equals(BINARY.subarray(0, 100))).toBe(true);
    expect(parts[1]!.body.equals(BINARY.subarray(BINARY.length - 100))).toBe(true);
    expect(parts[2]!.body.equals(BINARY.subarray(5000, 6000))).toBe(true);
    expect(parts[2]!.headers['content-range']).toBe(`bytes 5000-5999/${BINARY.length}`);
  });

  it('answers an unsatisfiable range with 416 and bytes */size', async () => {
    const r = await get(server.port, '/data.bin', { Range: `bytes=${BINARY.length}-` });
    expect(r.status).toBe(416);
    expect(r.headers.get('content-range')).toBe(`bytes */${BINARY.length}`);
  });

  it('answers If-None-Match with 304 and not a byte of body', async () => {
    const etag = (await get(server.port, '/data.bin', {}, 'HEAD')).headers.get('etag')!;
    const r = await get(server.port, '/data.bin', { 'If-None-Match': etag });
    expect(r.status).toBe(304);
    expect(r.rawBody.length).toBe(0);
    expect(r.headers.get('etag')).toBe(etag);
    expect(r.headers.has('transfer-encoding')).toBe(false);
  });

  it('answers a failing If-Match with 412', async () => {
    const r = await get(server.port, '/data.bin', { 'If-Match': '"not-it"' });
    expect(r.status).toBe(412);
  });

  it('answers HEAD with the GET headers and no body', async () => {
    const g = await get(server.port, '/text.txt');
    const h = await get(server.port, '/text.txt', {}, 'HEAD');
    expect(h.status).toBe(200);
    expect(h.rawBody.length).toBe(0);
    for (const name of [
      'content-type',
      'content-length',
      'etag',
      'last-modified',
      'accept-ranges',
    ]) {
      expect(h.headers.get(name)).toBe(g.headers.get(name));
    }
  });

  it('gzips on request, and node:zlib gets the file back', async () => {
    const r = await get(server.port, '/text.txt', { 'Accept-Encoding': 'gzip' });
    expect(r.status).toBe(200);
    expect(r.headers.get('content-encoding')).toBe('gzip');
    expect(r.headers.get('transfer-encoding')).toBe('chunked');
    expect(r.headers.has('content-length')).toBe(false);
    expect(r.headers.get('vary')).toBe('Accept-Encoding');
    expect(gunzipSync(r.body).toString()).toBe(TEXT);
  });

  it('redirects /dir to /dir/ and serves its index', async () => {
    const r = await get(server.port, '/dir');
    expect(r.status).toBe(301);
    expect(r.headers.get('location')).toBe('/dir/');
    const index = await get(server.port, '/dir/');
    expect(index.body.toString()).toBe('<p>index</p>');
  });

  it.each([
    ['/../secret.txt', 403],
    ['/%2e%2e/secret.txt', 403],
    ['/%2E%2E/secret.txt', 403],
    ['/dir/..%2F..%2Fsecret.txt', 403],
    ['/dir/%2e%2e%2f%2e%2e%2fsecret.txt', 403],
    ['/..%5Csecret.txt', 403],
    ['/%252e%252e/secret.txt', 404],
    ['/etc/passwd', 403],
    ['/etc/hostname', 403],
    ['/data.bin%00.txt', 403],
    ['//etc/passwd', 403],
    ['http://localhost/../secret.txt', 403],
  ])('never leaves the root for %s (%d)', async (target, status) => {
    const r = await rawRequest(
      server.port,
      `GET ${target} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n`,
    );
    expect(r.status).toBe(status);
    expect(r.body.toString('latin1')).not.toContain('TOP-SECRET');
    expect(r.body.toString('latin1')).not.toContain('root:');
  });
});
