/**
 * Interop: the same Site over TCP, TLS (curl --cacert with a generated self-signed certificate)
 * and a Unix socket (curl --unix-socket): files, request bodies, chunked streaming and
 * keep-alive behave alike, and request.isSecure() tells TLS apart. In CI a missing curl
 * fails; elsewhere it skips loudly.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  curlPresent,
  runCommand as run,
  sha256,
  startInteropSite,
  type EchoReply,
  type InteropSite,
  type TransportKind,
} from './server-fixture.js';

const HAVE_CURL = curlPresent('server-transports.test.ts');

describe.skipIf(!HAVE_CURL).each<TransportKind>(['tcp', 'tls', 'unix'])(
  'curl against the same Site over %s',
  (kind) => {
    let site: InteropSite;
    beforeAll(async () => {
      site = await startInteropSite(kind);
    });
    afterAll(async () => {
      await site?.stop();
    });

    /** curl with what reaching `site` takes: --cacert for TLS, --unix-socket for Unix. */
    async function curl(...args: string[]): Promise<{ stdout: string; stderr: string }> {
      const reach =
        kind === 'tls'
          ? ['--cacert', site.certificateFile]
          : kind === 'unix'
            ? ['--unix-socket', site.socketPath!]
            : [];
      return run('curl', ['--silent', '--show-error', ...reach, ...args], {
        encoding: 'latin1',
        maxBuffer: 16 * 1024 * 1024,
      });
    }
    const url = (path: string): string => `${site.url}${path}`;

    it('serves a file byte for byte', async () => {
      expect((await curl(url('/files/hello.txt'))).stdout).toBe(site.files.hello);
      const { stdout } = await curl(url('/files/big.bin'));
      // Compared by digest: a deep equality of 300 kB is slow to run and to print.
      expect(sha256(Buffer.from(stdout, 'latin1'))).toBe(sha256(site.files.big));
    });

    it('echoes a POST body, and knows whether the connection is secure', async () => {
      const { stdout } = await curl('--data-binary', 'over the wire', url('/echo'));
      const echo = JSON.parse(stdout) as EchoReply;
      expect(echo).toMatchObject({ method: 'POST', body: 'over the wire', secure: kind === 'tls' });
    });

    it('streams a chunked response', async () => {
      expect((await curl(url('/stream?n=3&ms=5'))).stdout).toBe('line 0\nline 1\nline 2\n');
    });

    it('keeps the connection alive across requests', async () => {
      const { stdout, stderr } = await curl('-v', url('/echo'), url('/echo'));
      expect(stderr).toMatch(/Re-using existing connection/);
      const [first, second] = stdout
        .split('}{')
        .map((part, i) => JSON.parse(i === 0 ? `${part}}` : `{${part}`)) as EchoReply[];
      expect(first!.connection).toBe(second!.connection);
    });
  },
);
