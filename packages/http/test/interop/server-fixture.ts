/**
 * The Site the server interop tests point real clients at (curl, Python's http.client, undici,
 * Twisted's Agent): static files plus a few dynamic resources, served over TCP, TLS or a Unix
 * socket by a NodeReactor in this process.
 *
 *   /files/…        File resource over a temp directory (hello.txt, text.txt, big.bin)
 *   /echo           JSON: method, uri, path, headers, body (length, sha256, text), connection id
 *   /stream?n=&ms=  chunked response: n lines, one every ms milliseconds
 *   /slow?ms=&id=   JSON after ms milliseconds: id, connection, requests rendering at once
 *   /form           JSON of request.args and the uploaded files (forms are parsed by the Site)
 */
import { execFile, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  type NodeReactor,
  generateSelfSignedCertificate,
  type IListeningPort,
  type ITransport,
} from '@tw/core';
import { requirePeer, startNodeReactor, stopNodeReactor } from '@tw/core/testing';
import { NOT_DONE_YET, type IRequest, type RenderResult } from '../../src/interfaces.js';
import { getUploadedFiles } from '../../src/resource/uploaded-files.js';
import { Resource } from '../../src/resource/resource.js';
import { Site } from '../../src/resource/site.js';
import { File } from '../../src/static/file.js';

export type TransportKind = 'tcp' | 'tls' | 'unix';

/** What a test needs to reach the site. */
export interface InteropSite {
  readonly kind: TransportKind;
  /** Base URL: http://127.0.0.1:PORT, https://127.0.0.1:PORT, or http://localhost (Unix). */
  readonly url: string;
  /** The port (TCP/TLS), or 0. */
  readonly port: number;
  /** The socket path (Unix), or null. */
  readonly socketPath: string | null;
  /** The self-signed certificate (PEM) and its file, for TLS. */
  readonly certificate: string;
  readonly certificateFile: string;
  /** The files under /files/. */
  readonly files: { readonly hello: string; readonly text: string; readonly big: Buffer };
  /** A temp directory tests may write into. */
  readonly scratch: string;
  stop(): Promise<void>;
}

/** The JSON /echo answers with. */
export interface EchoReply {
  method: string;
  uri: string;
  path: string;
  headers: [string, string][];
  bodyLength: number;
  bodySha256: string;
  body: string;
  /** Same number for requests that came over the same connection. */
  connection: number;
  secure: boolean;
}

const encoder = new TextEncoder();

/** Requests on the same transport get the same number. */
const connectionIds = new WeakMap<ITransport, number>();
let nextConnectionId = 1;
function connectionOf(request: IRequest): number {
  let id = connectionIds.get(request.transport);
  if (id === undefined) {
    id = nextConnectionId++;
    connectionIds.set(request.transport, id);
  }
  return id;
}

function json(request: IRequest, value: unknown): Uint8Array {
  request.setHeader('content-type', 'application/json');
  return encoder.encode(JSON.stringify(value));
}

function numberArg(request: IRequest, name: string, fallback: number): number {
  const value = Number(request.args.get(name)?.[0]);
  return Number.isFinite(value) ? Math.min(Math.max(value, 0), 10_000) : fallback;
}

class Echo extends Resource {
  override isLeaf = true;

  override render(request: IRequest): RenderResult {
    const body = request.content;
    const reply: EchoReply = {
      method: request.method,
      uri: request.uri,
      path: request.path,
      headers: [...request.requestHeaders],
      bodyLength: body.byteLength,
      bodySha256: createHash('sha256').update(body).digest('hex'),
      body: body.byteLength <= 4096 ? Buffer.from(body).toString('utf8') : '',
      connection: connectionOf(request),
      secure: request.isSecure(),
    };
    return json(request, reply);
  }
}

class Stream extends Resource {
  override isLeaf = true;

  constructor(private readonly reactor: NodeReactor) {
    super();
  }

  render_GET(request: IRequest): RenderResult {
    const count = numberArg(request, 'n', 5);
    const delay = numberArg(request, 'ms', 10) / 1000;
    request.setHeader('content-type', 'text/plain');
    let sent = 0;
    const next = (): void => {
      if (request.finished) return;
      if (sent === count) return request.finish();
      request.write(`line ${sent++}\n`);
      this.reactor.callLater(delay, next);
    };
    next();
    return NOT_DONE_YET;
  }
}

/** The JSON /slow answers with. */
export interface SlowReply {
  id: string;
  connection: number;
  /** Requests of this connection being rendered when this one started: > 1 means pipelined. */
  inFlight: number;
}

class Slow extends Resource {
  override isLeaf = true;
  private readonly inFlight = new Map<number, number>();

  constructor(private readonly reactor: NodeReactor) {
    super();
  }

  override render(request: IRequest): RenderResult {
    const connection = connectionOf(request);
    const inFlight = (this.inFlight.get(connection) ?? 0) + 1;
    this.inFlight.set(connection, inFlight);
    const reply: SlowReply = { id: request.args.get('id')?.[0] ?? '', connection, inFlight };
    this.reactor.callLater(numberArg(request, 'ms', 0) / 1000, () => {
      this.inFlight.set(connection, (this.inFlight.get(connection) ?? 1) - 1);
      if (request.finished) return;
      request.write(json(request, reply));
      request.finish();
    });
    return NOT_DONE_YET;
  }
}

class Form extends Resource {
  override isLeaf = true;

  render_POST(request: IRequest): RenderResult {
    const files: Record<string, { filename: string; contentType: string; sha256: string }[]> = {};
    for (const [name, uploads] of getUploadedFiles(request)) {
      files[name] = uploads.map((file) => ({
        filename: file.filename,
        contentType: file.contentType,
        sha256: createHash('sha256').update(file.data).digest('hex'),
      }));
    }
    return json(request, { args: Object.fromEntries(request.args), files });
  }
}

/** Start the interop site on `kind`, bound to loopback (or a socket in a temp directory). */
export async function startInteropSite(kind: TransportKind): Promise<InteropSite> {
  const scratch = await mkdtemp(join(tmpdir(), `tw-http-interop-${kind}-`));
  const www = join(scratch, 'www');
  await mkdir(www);
  const files = {
    hello: 'Hello from @tw/http\n',
    text: 'All work and no play makes Jack a dull boy.\n'.repeat(2000),
    big: randomBytes(300_000),
  };
  await writeFile(join(www, 'hello.txt'), files.hello);
  await writeFile(join(www, 'text.txt'), files.text);
  await writeFile(join(www, 'big.bin'), files.big);
  const { key, cert } = generateSelfSignedCertificate({ commonName: 'localhost' });
  const certificateFile = join(scratch, 'cert.pem');
  await writeFile(certificateFile, cert);

  const reactor = startNodeReactor();
  const root = new Resource();
  root.putChild('files', new File(www));
  root.putChild('echo', new Echo());
  root.putChild('stream', new Stream(reactor));
  root.putChild('slow', new Slow(reactor));
  root.putChild('form', new Form());
  const site = new Site(reactor, root);

  let listening: IListeningPort;
  let socketPath: string | null = null;
  if (kind === 'tcp') {
    listening = await reactor.listenTCP(0, site, { interface: '127.0.0.1' });
  } else if (kind === 'tls') {
    listening = await reactor.listenTLS(
      0,
      site,
      { credentials: { key, cert } },
      { interface: '127.0.0.1' },
    );
  } else {
    socketPath = join(scratch, 'web.sock');
    listening = await reactor.listenUNIX(socketPath, site);
  }
  const host = listening.getHost();
  const port = 'port' in host ? host.port : 0;
  const url =
    kind === 'unix'
      ? 'http://localhost'
      : `${kind === 'tls' ? 'https' : 'http'}://127.0.0.1:${port}`;
  return {
    kind,
    url,
    port,
    socketPath,
    certificate: cert,
    certificateFile,
    files,
    scratch,
    async stop() {
      await listening.stopListening();
      await stopNodeReactor(reactor);
      await rm(scratch, { recursive: true, force: true });
    },
  };
}

export const sha256 = (data: Uint8Array | string): string =>
  createHash('sha256').update(data).digest('hex');

export { requirePeer };

/** execFile as a promise: how the interop files run their command-line peers. */
export const runCommand = promisify(execFile);

/** Gate on curl: fails in CI, skips loudly elsewhere. */
export function curlPresent(file: string): boolean {
  return requirePeer(
    commandWorks('curl', ['--version']),
    'curl',
    'the Debian package curl',
    `test/interop/${file}`,
  );
}

/** True when `command args` runs and exits 0. */
export function commandWorks(command: string, args: readonly string[]): boolean {
  const result = spawnSync(command, args, { stdio: 'ignore' });
  return result.error === undefined && result.status === 0;
}

/** The first Python 3 that can import `module` (Debian's /usr/bin/python3 first), or null. */
export function pythonWith(module: string): string | null {
  for (const python of ['/usr/bin/python3', 'python3']) {
    if (commandWorks(python, ['-c', `import ${module}`])) return python;
  }
  return null;
}
