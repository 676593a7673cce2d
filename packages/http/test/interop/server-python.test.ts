/**
 * Interop: Python's http.client (the standard library) against our Site over TCP and TLS:
 * several requests on one kept-alive connection (GET, POST, HEAD, a chunked response) and a
 * chunked upload (encode_chunked). In CI a missing python3 fails; elsewhere it skips loudly.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  pythonWith,
  requirePeer,
  startInteropSite,
  type EchoReply,
  type InteropSite,
} from './server-fixture.js';

const run = promisify(execFile);
const PYTHON = pythonWith('http.client');
const HAVE_PYTHON = requirePeer(
  PYTHON !== null,
  'python3',
  'the Debian package python3',
  'test/interop/server-python.test.ts',
);

/** One response as the script reports it. */
interface PyResponse {
  status: number;
  headers: [string, string][];
  body: string;
  /** id() of http.client's socket: the same value means the same connection. */
  socket: number;
}

const SCRIPT = String.raw`
import http.client, json, ssl, sys

kind, port, cafile = sys.argv[1], int(sys.argv[2]), sys.argv[3]
if kind == "tls":
    context = ssl.create_default_context(cafile=cafile)
    conn = http.client.HTTPSConnection("127.0.0.1", port, context=context, timeout=10)
else:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)

out = []
def do(method, path, body=None, headers={}, **kwargs):
    conn.request(method, path, body=body, headers=headers, **kwargs)
    response = conn.getresponse()
    data = response.read()
    out.append({"status": response.status, "headers": response.getheaders(),
                "body": data.decode("utf-8"), "socket": id(conn.sock)})

do("GET", "/files/hello.txt")
do("POST", "/echo", body=b"form=feed", headers={"Content-Type": "application/octet-stream"})
do("GET", "/stream?n=3&ms=5")
do("HEAD", "/files/big.bin")
do("POST", "/echo", body=iter([b"part one, ", b"part two"]), encode_chunked=True,
   headers={"Content-Type": "text/plain"})
do("GET", "/echo?last=1")
conn.close()
print(json.dumps(out))
`;

describe.skipIf(!HAVE_PYTHON).each(['tcp', 'tls'] as const)(
  'http.client against our Site over %s',
  (kind) => {
    let site: InteropSite;
    let responses: PyResponse[];
    beforeAll(async () => {
      site = await startInteropSite(kind);
      const { stdout } = await run(PYTHON!, [
        '-c',
        SCRIPT,
        kind,
        String(site.port),
        site.certificateFile,
      ]);
      responses = JSON.parse(stdout) as PyResponse[];
    });
    afterAll(async () => {
      await site?.stop();
    });
    const header = (response: PyResponse, name: string): string | undefined =>
      response.headers.find(([key]) => key.toLowerCase() === name)?.[1];

    it('makes every request over one kept-alive connection', () => {
      expect(responses.map((response) => response.status)).toEqual([200, 200, 200, 200, 200, 200]);
      expect(new Set(responses.map((response) => response.socket)).size).toBe(1);
      const echoes = [responses[1]!, responses[4]!, responses[5]!].map(
        (response) => JSON.parse(response.body) as EchoReply,
      );
      expect(new Set(echoes.map((echo) => echo.connection)).size).toBe(1);
      expect(echoes.every((echo) => echo.secure === (kind === 'tls'))).toBe(true);
    });

    it('reads a file, a chunked response, and a HEAD answer without a body', () => {
      expect(responses[0]!.body).toBe(site.files.hello);
      expect(header(responses[2]!, 'transfer-encoding')).toBe('chunked');
      expect(responses[2]!.body).toBe('line 0\nline 1\nline 2\n');
      expect(header(responses[3]!, 'content-length')).toBe(String(site.files.big.length));
      expect(responses[3]!.body).toBe('');
    });

    it('uploads a body with Content-Length and a chunked one', () => {
      const plain = JSON.parse(responses[1]!.body) as EchoReply;
      expect(plain).toMatchObject({ method: 'POST', body: 'form=feed', bodyLength: 9 });
      const chunked = JSON.parse(responses[4]!.body) as EchoReply;
      expect(chunked.body).toBe('part one, part two');
      expect(chunked.headers).toContainEqual(['Transfer-Encoding', 'chunked']);
    });
  },
);
