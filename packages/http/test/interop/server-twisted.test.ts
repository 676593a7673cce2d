/**
 * Interop: Twisted's Agent (Debian's python3-twisted) against our Site over TCP, TLS (trusting
 * our self-signed certificate) and a Unix socket (Agent.usingEndpointFactory): GET, HEAD, a
 * streamed upload (FileBodyProducer), a chunked response, gzip through ContentDecoderAgent,
 * and a persistent HTTPConnectionPool reusing one connection. In CI a missing Twisted fails;
 * elsewhere it skips loudly.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  pythonWith,
  requirePeer,
  runCommand as run,
  sha256,
  startInteropSite,
  type EchoReply,
  type InteropSite,
  type TransportKind,
} from './server-fixture.js';

const PYTHON = pythonWith('twisted.web.client');
const HAVE_TWISTED = requirePeer(
  PYTHON !== null,
  'Twisted (python3 with twisted.web)',
  'the Debian package python3-twisted',
  'test/interop/server-twisted.test.ts',
);

/** One response as the script reports it. */
interface AgentResponse {
  label: string;
  code: number;
  headers: Record<string, string[]>;
  /** The body as UTF-8 when it is short, else ''. */
  body: string;
  length: number;
  sha256: string;
  /** Response.length: the Content-Length, or null when the body was chunked. */
  declaredLength: number | null;
}

const SCRIPT = String.raw`
import hashlib, json, sys
from io import BytesIO

from twisted.internet import defer, task
from twisted.internet.endpoints import UNIXClientEndpoint
from twisted.internet.ssl import Certificate
from twisted.web.client import (Agent, BrowserLikePolicyForHTTPS, ContentDecoderAgent,
                                FileBodyProducer, GzipDecoder, HTTPConnectionPool, readBody)
from twisted.web.http_headers import Headers
from twisted.web.iweb import IAgentEndpointFactory
from zope.interface import implementer


@implementer(IAgentEndpointFactory)
class UnixSocket:
    def __init__(self, reactor, path):
        self.reactor, self.path = reactor, path

    def endpointForURI(self, uri):
        return UNIXClientEndpoint(self.reactor, self.path)


@defer.inlineCallbacks
def main(reactor, kind, base, extra):
    pool = HTTPConnectionPool(reactor, persistent=True)
    pool.maxPersistentPerHost = 1
    if kind == "tls":
        with open(extra, "rb") as f:
            trust = Certificate.loadPEM(f.read())
        agent = Agent(reactor, BrowserLikePolicyForHTTPS(trustRoot=trust), pool=pool)
    elif kind == "unix":
        agent = Agent.usingEndpointFactory(reactor, UnixSocket(reactor, extra), pool=pool)
    else:
        agent = Agent(reactor, pool=pool)
    base = base.encode("ascii")
    out = []

    @defer.inlineCallbacks
    def fetch(label, method, path, headers=None, body=None, via=agent):
        response = yield via.request(method, base + path, Headers(headers or {}), body)
        data = yield readBody(response)
        out.append({
            "label": label,
            "code": response.code,
            "headers": {k.decode("latin1").lower(): [v.decode("latin1") for v in vs]
                        for k, vs in response.headers.getAllRawHeaders()},
            "body": data.decode("utf-8", "replace") if len(data) <= 4096 else "",
            "length": len(data),
            "sha256": hashlib.sha256(data).hexdigest(),
            # UNKNOWN_LENGTH for a chunked body (Twisted hides Transfer-Encoding itself).
            "declaredLength": response.length if isinstance(response.length, int) else None,
        })

    upload = FileBodyProducer(BytesIO(b"0123456789" * 20000))
    yield fetch("file", b"GET", b"/files/hello.txt")
    yield fetch("upload", b"POST", b"/echo", {b"content-type": [b"application/octet-stream"]}, upload)
    yield fetch("stream", b"GET", b"/stream?n=3&ms=5")
    yield fetch("head", b"HEAD", b"/files/big.bin")
    yield fetch("echo", b"GET", b"/echo?again=1")
    yield fetch("big", b"GET", b"/files/big.bin")
    gzip = ContentDecoderAgent(agent, [(b"gzip", GzipDecoder)])
    yield fetch("gzip", b"GET", b"/files/text.txt", via=gzip)
    yield fetch("gzip-raw", b"GET", b"/files/text.txt", {b"accept-encoding": [b"gzip"]})
    yield pool.closeCachedConnections()
    print(json.dumps(out))

task.react(main, sys.argv[1:])
`;

describe.skipIf(!HAVE_TWISTED).each<TransportKind>(['tcp', 'tls', 'unix'])(
  "Twisted's Agent against our Site over %s",
  (kind) => {
    let site: InteropSite;
    let responses: Map<string, AgentResponse>;
    beforeAll(async () => {
      site = await startInteropSite(kind);
      const extra = kind === 'tls' ? site.certificateFile : (site.socketPath ?? '');
      const { stdout } = await run(PYTHON!, ['-c', SCRIPT, kind, site.url, extra], {
        timeout: 30_000,
        maxBuffer: 16 * 1024 * 1024,
      });
      responses = new Map(
        (JSON.parse(stdout) as AgentResponse[]).map((response) => [response.label, response]),
      );
    });
    afterAll(async () => {
      await site?.stop();
    });
    const response = (label: string): AgentResponse => responses.get(label)!;

    it('GETs a file, a big file and a chunked stream', () => {
      expect(response('file')).toMatchObject({ code: 200, body: site.files.hello });
      expect(response('big')).toMatchObject({
        code: 200,
        length: site.files.big.length,
        sha256: sha256(site.files.big),
      });
      expect(response('stream').declaredLength).toBeNull();
      expect(response('file').declaredLength).toBe(site.files.hello.length);
      expect(response('stream').body).toBe('line 0\nline 1\nline 2\n');
    });

    it('gets HEAD headers and no body', () => {
      expect(response('head').code).toBe(200);
      expect(response('head').headers['content-length']).toEqual([String(site.files.big.length)]);
      expect(response('head').length).toBe(0);
    });

    it('streams an upload from a FileBodyProducer', () => {
      const echo = JSON.parse(response('upload').body) as EchoReply;
      expect(echo.method).toBe('POST');
      expect(echo.bodyLength).toBe(200_000);
      expect(echo.bodySha256).toBe(sha256('0123456789'.repeat(20_000)));
      expect(echo.secure).toBe(kind === 'tls');
    });

    it('reuses one persistent connection from the pool', () => {
      const first = JSON.parse(response('upload').body) as EchoReply;
      const second = JSON.parse(response('echo').body) as EchoReply;
      expect(second.connection).toBe(first.connection);
    });

    it('decodes our gzip through ContentDecoderAgent', () => {
      expect(response('gzip').code).toBe(200);
      expect(response('gzip').sha256).toBe(sha256(site.files.text));
      // What came over the wire was gzip.
      expect(response('gzip-raw').headers['content-encoding']).toEqual(['gzip']);
      expect(response('gzip-raw').length).toBeLessThan(site.files.text.length / 10);
    });
  },
);
