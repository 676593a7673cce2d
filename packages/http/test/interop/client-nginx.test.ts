/**
 * Interop: our Agent (and the ReverseProxyResource) against Debian's nginx, started with its own
 * configuration in a temp dir on a loopback port (never the system nginx): static files, gzip,
 * keep-alive, HEAD, errors, redirects. In CI a missing nginx fails these tests; elsewhere they
 * are skipped with a warning naming the package to install.
 */
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IListeningPort, NodeReactor } from '@tw/core';
import { freeTCPPort, startPeerProcess, type PeerProcess } from '@tw/core/testing';
import {
  Agent,
  ContentDecoderAgent,
  FileBodyProducer,
  RedirectAgent,
  ReverseProxyResource,
  readBody,
} from '../../src/index.js';
import { Site } from '../../src/resource/site.js';
import { Headers } from '../../src/wire/headers.js';
import { startReactor, stopReactors } from '../client/harness.js';

const NGINX = ['/usr/sbin/nginx', 'nginx'].find(
  (candidate) => spawnSync(candidate, ['-v'], { stdio: 'ignore' }).status === 0,
);
if (NGINX === undefined && process.env['CI'] !== 'true') {
  console.warn(
    '\n*** nginx is not installed: SKIPPING test/interop/client-nginx.test.ts (apt-get install nginx) ***\n',
  );
}

const BINARY = randomBytes(300_000);
const TEXT = 'All work and no play makes Jack a dull boy.\n'.repeat(5000);

let base = '';
let port = 0;
let nginx: PeerProcess | null = null;
let reactor: NodeReactor;

function nginxConfig(dir: string, listenPort: number): string {
  const temp = (name: string) => `${name}_temp_path ${join(dir, 'tmp', name)};`;
  return `
daemon off;
master_process on;
worker_processes 1;
pid ${join(dir, 'nginx.pid')};
error_log ${join(dir, 'error.log')} warn;
events { worker_connections 64; }
http {
  ${temp('client_body')} ${temp('proxy')} ${temp('fastcgi')} ${temp('uwsgi')} ${temp('scgi')}
  log_format conn '$connection $connection_requests "$request" $status';
  access_log ${join(dir, 'access.log')} conn;
  types { text/plain txt; application/octet-stream bin; }
  default_type application/octet-stream;
  keepalive_timeout 30s;
  keepalive_requests 100;
  gzip on;
  gzip_types text/plain;
  gzip_min_length 1;
  server {
    listen 127.0.0.1:${listenPort};
    root ${join(dir, 'www')};
    location = /moved { return 301 /text.txt; }
    location = /see-other { return 303 /data.bin; }
  }
}
`;
}

beforeAll(async () => {
  if (NGINX === undefined) {
    if (process.env['CI'] === 'true')
      throw new Error(
        'nginx is missing in CI: install the Debian package nginx (scripts/install-peers.sh)',
      );
    return;
  }
  base = await mkdtemp(join(tmpdir(), 'tw-client-nginx-'));
  // nginx's workers may run as another user: they must be able to read the files.
  await chmod(base, 0o755);
  await mkdir(join(base, 'www'), { mode: 0o755 });
  await mkdir(join(base, 'tmp'), { mode: 0o755 });
  await writeFile(join(base, 'www', 'data.bin'), BINARY, { mode: 0o644 });
  await writeFile(join(base, 'www', 'text.txt'), TEXT, { mode: 0o644 });
  port = await freeTCPPort();
  await writeFile(join(base, 'nginx.conf'), nginxConfig(base, port));
  nginx = startPeerProcess(NGINX, [
    '-c',
    join(base, 'nginx.conf'),
    '-p',
    base,
    '-e',
    join(base, 'error.log'),
  ]);
  try {
    await nginx.waitForPort(port);
  } catch (error) {
    const log = await readFile(join(base, 'error.log'), 'utf8').catch(() => '');
    throw new Error(`nginx did not start on port ${port}: ${log}`, { cause: error });
  }
  reactor = startReactor();
});

afterAll(async () => {
  await stopReactors();
  await nginx?.stop();
  if (base !== '') await rm(base, { recursive: true, force: true });
});

const url = (path: string) => `http://127.0.0.1:${port}${path}`;

/** Lines of nginx's access log: "<connection> <requests on it> "<request>" <status>". */
async function accessLog(): Promise<string[]> {
  const text = await readFile(join(base, 'access.log'), 'utf8');
  return text.split('\n').filter((line) => line !== '');
}

describe.skipIf(NGINX === undefined && process.env['CI'] !== 'true')('Agent against nginx', () => {
  it('fetches a static file byte for byte, three times over one kept-alive connection', async () => {
    const agent = new Agent(reactor);
    for (let i = 0; i < 3; i++) {
      const response = await agent.request('GET', url(`/data.bin?n=${i}`));
      expect(response.code).toBe(200);
      expect(response.length).toBe(BINARY.length);
      expect(response.headers.getHeader('server')).toMatch(/^nginx/);
      expect(Buffer.from(await readBody(response)).equals(BINARY)).toBe(true);
    }
    const lines = (await accessLog()).filter((line) => line.includes('/data.bin?n='));
    const connections = new Set(lines.map((line) => line.split(' ')[0]));
    expect(lines).toHaveLength(3);
    expect(connections.size).toBe(1);
    expect(lines.map((line) => line.split(' ')[1])).toEqual(['1', '2', '3']);
    await agent.pool.closeCachedConnections();
  });

  it('receives a gzip-encoded chunked body and decodes it with ContentDecoderAgent', async () => {
    const plain = new Agent(reactor);
    const raw = await plain.request(
      'GET',
      url('/text.txt'),
      new Headers({ 'Accept-Encoding': 'gzip' }),
    );
    expect(raw.headers.getHeader('content-encoding')).toBe('gzip');
    expect(raw.headers.getHeader('transfer-encoding')).toBe('chunked');
    const compressed = await readBody(raw);
    expect(compressed.byteLength).toBeLessThan(TEXT.length / 10);
    expect(zlib.gunzipSync(compressed).toString()).toBe(TEXT);

    const decoding = new ContentDecoderAgent(plain);
    const decoded = await decoding.request('GET', url('/text.txt'));
    expect(decoded.headers.hasHeader('content-encoding')).toBe(false);
    expect(Buffer.from(await readBody(decoded)).toString()).toBe(TEXT);
    await plain.pool.closeCachedConnections();
  });

  it('handles HEAD, 404 and 405 and keeps the connection for the next request', async () => {
    const agent = new Agent(reactor);
    const head = await agent.request('HEAD', url('/data.bin?head'));
    expect(head.code).toBe(200);
    expect(head.headers.getHeader('content-length')).toBe(String(BINARY.length));
    expect((await readBody(head)).byteLength).toBe(0);
    const missing = await agent.request('GET', url('/missing?404'));
    expect(missing.code).toBe(404);
    expect(Buffer.from(await readBody(missing)).toString()).toContain('404');
    const post = await agent.request(
      'POST',
      url('/text.txt?post'),
      null,
      new FileBodyProducer(new TextEncoder().encode('some body')),
    );
    expect(post.code).toBe(405);
    await readBody(post);
    const after = await agent.request('GET', url('/text.txt?after'));
    expect(Buffer.from(await readBody(after)).toString()).toBe(TEXT);
    const lines = (await accessLog()).filter((line) => /\?(head|404|post|after) /.test(line));
    expect(new Set(lines.map((line) => line.split(' ')[0])).size).toBe(1);
    await agent.pool.closeCachedConnections();
  });

  it('follows nginx redirects with RedirectAgent', async () => {
    const agent = new Agent(reactor);
    const redirecting = new RedirectAgent(agent);
    const moved = await redirecting.request('GET', url('/moved'));
    expect(moved.code).toBe(200);
    expect(moved.previousResponse?.code).toBe(301);
    expect(Buffer.from(await readBody(moved)).toString()).toBe(TEXT);
    const seeOther = await redirecting.request(
      'POST',
      url('/see-other'),
      null,
      new FileBodyProducer(new TextEncoder().encode('form')),
    );
    expect(seeOther.code).toBe(200);
    expect(Buffer.from(await readBody(seeOther)).equals(BINARY)).toBe(true);
    await agent.pool.closeCachedConnections();
  });

  it('serves nginx files through our ReverseProxyResource', async () => {
    const proxy = new ReverseProxyResource('127.0.0.1', port, '', { reactor });
    const listening: IListeningPort = await reactor.listenTCP(0, new Site(reactor, proxy), {
      interface: '127.0.0.1',
    });
    try {
      const front = (listening.getHost() as { port: number }).port;
      const agent = new Agent(reactor);
      const response = await agent.request('GET', `http://127.0.0.1:${front}/data.bin`);
      expect(response.code).toBe(200);
      expect(response.headers.getHeader('via')).toBe('1.1 tw');
      expect(Buffer.from(await readBody(response)).equals(BINARY)).toBe(true);
      const gz = await new ContentDecoderAgent(agent).request(
        'GET',
        `http://127.0.0.1:${front}/text.txt`,
      );
      expect(Buffer.from(await readBody(gz)).toString()).toBe(TEXT);
      await agent.pool.closeCachedConnections();
    } finally {
      await listening.stopListening();
    }
  });
});
