/**
 * Interop: curl (Debian's curl) against our Site over TCP — files, HEAD, urlencoded and
 * multipart forms, byte ranges, gzip, chunked streaming, request headers and bodies, and one
 * connection reused for several URLs. In CI a missing curl fails; elsewhere it skips loudly.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  curlPresent,
  runCommand as run,
  sha256,
  startInteropSite,
  type EchoReply,
  type InteropSite,
} from './server-fixture.js';

const HAVE_CURL = curlPresent('server-curl.test.ts');

let site: InteropSite;

/** curl --silent --show-error ARGS; stdout as latin1 (bytes preserved) and stderr. */
async function curl(...args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run('curl', ['--silent', '--show-error', ...args], {
    encoding: 'latin1',
    maxBuffer: 16 * 1024 * 1024,
  });
}
/** JSON from curl's stdout (read as latin1 to keep bytes; JSON is UTF-8). */
const jsonOf = <T>(stdout: string): T =>
  JSON.parse(Buffer.from(stdout, 'latin1').toString('utf8')) as T;
const url = (path: string): string => `${site.url}${path}`;
const statusOf = (head: string): number => Number(/^HTTP\/1\.1 (\d{3})/m.exec(head)?.[1]);
const headerOf = (head: string, name: string): string | null =>
  new RegExp(`^${name}: *(.*?)\\r?$`, 'im').exec(head)?.[1] ?? null;

describe.skipIf(!HAVE_CURL)('curl against our Site (TCP)', () => {
  beforeAll(async () => {
    site = await startInteropSite('tcp');
  });
  afterAll(async () => {
    await site?.stop();
  });

  it('GETs a file, with its length and type', async () => {
    const { stdout } = await curl('-D', '-', url('/files/hello.txt'));
    const [head, body] = stdout.split('\r\n\r\n');
    expect(statusOf(head!)).toBe(200);
    expect(headerOf(head!, 'content-length')).toBe(String(site.files.hello.length));
    expect(headerOf(head!, 'content-type')).toBe('text/plain; charset=utf-8');
    expect(body).toBe(site.files.hello);
  });

  it('answers HEAD (-I) with the GET headers and no body', async () => {
    const { stdout } = await curl('-I', url('/files/big.bin'));
    expect(statusOf(stdout)).toBe(200);
    expect(headerOf(stdout, 'content-length')).toBe(String(site.files.big.length));
    expect(stdout.endsWith('\r\n\r\n')).toBe(true);
  });

  it('sends a 404 page for a missing file and 405 with Allow for a wrong method', async () => {
    expect(statusOf((await curl('-D', '-', '-o', '/dev/null', url('/files/nope'))).stdout)).toBe(
      404,
    );
    const { stdout } = await curl('-D', '-', '-o', '/dev/null', '-X', 'DELETE', url('/form'));
    expect(statusOf(stdout)).toBe(405);
    expect(headerOf(stdout, 'allow')).toBe('OPTIONS, POST');
  });

  it('echoes a request: method, headers and body (-d, -H)', async () => {
    const { stdout } = await curl(
      '-X',
      'PUT',
      '-H',
      'X-Interop: curl',
      '-H',
      'Content-Type: text/plain',
      '--data-binary',
      'some body',
      url('/echo?q=1'),
    );
    const echo = JSON.parse(stdout) as EchoReply;
    expect(echo).toMatchObject({ method: 'PUT', uri: '/echo?q=1', body: 'some body' });
    expect(echo.headers).toContainEqual(['X-Interop', 'curl']);
    expect(echo.headers.find(([name]) => name.toLowerCase() === 'user-agent')?.[1]).toMatch(
      /^curl\//,
    );
  });

  it('parses a urlencoded form (-d) into request.args', async () => {
    const { stdout } = await curl('-d', 'a=1&b=two+words&a=%C3%A9', url('/form'));
    expect(jsonOf(stdout)).toEqual({ args: { a: ['1', 'é'], b: ['two words'] }, files: {} });
  });

  it('parses a multipart form (-F) with a file upload', async () => {
    const upload = join(site.scratch, 'upload.bin');
    await writeFile(upload, site.files.big.subarray(0, 100_000));
    const { stdout } = await curl(
      '-F',
      'name=value',
      '-F',
      `file=@${upload};type=application/x-test`,
      url('/form'),
    );
    expect(JSON.parse(stdout)).toEqual({
      args: { name: ['value'] },
      files: {
        file: [
          {
            filename: 'upload.bin',
            contentType: 'application/x-test',
            sha256: sha256(site.files.big.subarray(0, 100_000)),
          },
        ],
      },
    });
  });

  it('serves byte ranges (-r), single and multipart', async () => {
    const { stdout } = await curl('-D', '-', '-r', '1000-1999', url('/files/big.bin'));
    const end = stdout.indexOf('\r\n\r\n');
    const head = stdout.slice(0, end);
    expect(statusOf(head)).toBe(206);
    expect(headerOf(head, 'content-range')).toBe(`bytes 1000-1999/${site.files.big.length}`);
    expect(Buffer.from(stdout.slice(end + 4), 'latin1')).toEqual(
      site.files.big.subarray(1000, 2000),
    );

    const multi = await curl('-D', '-', '-r', '0-9,100-109', url('/files/big.bin'));
    expect(statusOf(multi.stdout)).toBe(206);
    expect(headerOf(multi.stdout, 'content-type')).toMatch(/^multipart\/byteranges; boundary=/);
  });

  it('gzips text for --compressed, and curl decodes it to the same bytes', async () => {
    const { stdout } = await curl('--compressed', '-D', '-', url('/files/text.txt'));
    const end = stdout.indexOf('\r\n\r\n');
    expect(headerOf(stdout.slice(0, end), 'content-encoding')).toBe('gzip');
    expect(stdout.slice(end + 4)).toBe(site.files.text);
    // And the wire bytes really are gzip.
    const raw = await run('curl', ['-s', '-H', 'Accept-Encoding: gzip', url('/files/text.txt')], {
      encoding: 'buffer',
      maxBuffer: 16 * 1024 * 1024,
    });
    expect(gunzipSync(raw.stdout).toString('latin1')).toBe(site.files.text);
  });

  it('receives a chunked, streamed response', async () => {
    const { stdout } = await curl('-D', '-', url('/stream?n=4&ms=20'));
    const end = stdout.indexOf('\r\n\r\n');
    expect(headerOf(stdout.slice(0, end), 'transfer-encoding')).toBe('chunked');
    expect(stdout.slice(end + 4)).toBe('line 0\nline 1\nline 2\nline 3\n');
  });

  it('reuses one kept-alive connection for several URLs (curl -v url url url)', async () => {
    const { stdout, stderr } = await curl(
      '-v',
      url('/echo'),
      url('/files/hello.txt'),
      url('/echo'),
    );
    expect(stderr.match(/Re-using existing connection/g)).toHaveLength(2);
    expect(stderr).not.toMatch(/Closing connection 0\b[^]*Connected to/);
    const echoes = stdout.split(site.files.hello).map((part) => JSON.parse(part) as EchoReply);
    expect(echoes[0]!.connection).toBe(echoes[1]!.connection);
  });

  it('answers Expect: 100-continue with 100 Continue and gets the whole body through', async () => {
    const upload = join(site.scratch, 'large.bin');
    await writeFile(upload, site.files.big);
    const { stdout, stderr } = await curl(
      '-v',
      // curl 7.88 only asks by itself above 1 MB.
      '-H',
      'Expect: 100-continue',
      '-H',
      'Content-Type: application/octet-stream',
      '--data-binary',
      `@${upload}`,
      url('/echo'),
    );
    expect(stderr).toMatch(/Expect: 100-continue/);
    expect(stderr).toMatch(/HTTP\/1\.1 100 Continue/);
    const echo = JSON.parse(stdout) as EchoReply;
    expect(echo.bodyLength).toBe(site.files.big.length);
    expect(echo.bodySha256).toBe(sha256(site.files.big));
  });

  it('uploads with chunked transfer coding (-H Transfer-Encoding: chunked)', async () => {
    const { stdout } = await curl(
      '-H',
      'Transfer-Encoding: chunked',
      '-H',
      'Content-Type: text/plain',
      '--data-binary',
      'chunked upload body',
      url('/echo'),
    );
    const echo = JSON.parse(stdout) as EchoReply;
    expect(echo.body).toBe('chunked upload body');
    expect(echo.headers.map(([name]) => name.toLowerCase())).toContain('transfer-encoding');
  });
});
