import * as zlib from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import {
  Agent,
  ContentDecoderAgent,
  DecompressedBodyTooLargeError,
  ResponseFailed,
  readBody,
} from '../../src/index.js';
import { startHTTPServer, startReactor, stopServersAndReactors, text } from './harness.js';

afterEach(stopServersAndReactors);

const original = 'The quick brown fox jumps over the lazy dog. '.repeat(2000);
const encodings: Record<string, (data: Buffer) => Buffer> = {
  gzip: (data) => zlib.gzipSync(data),
  deflate: (data) => zlib.deflateSync(data),
  br: (data) => zlib.brotliCompressSync(data),
};

describe('ContentDecoderAgent', () => {
  for (const [name, encode] of Object.entries(encodings)) {
    it(`decodes ${name} and drops Content-Encoding and Content-Length`, async () => {
      let acceptEncoding: string | undefined;
      const server = await startHTTPServer((req, res) => {
        acceptEncoding = req.headers['accept-encoding'];
        const body = encode(Buffer.from(original));
        res.writeHead(200, { 'Content-Encoding': name, 'Content-Length': body.length });
        // In two writes, so the decoder sees more than one chunk.
        res.write(body.subarray(0, 10));
        res.end(body.subarray(10));
      });
      const agent = new ContentDecoderAgent(new Agent(startReactor()));
      const response = await agent.request('GET', server.url);
      expect(acceptEncoding).toBe('gzip, deflate, br');
      expect(response.headers.hasHeader('content-encoding')).toBe(false);
      expect(response.headers.hasHeader('content-length')).toBe(false);
      expect(response.length).toBeNull();
      expect(text(await readBody(response))).toBe(original);
    });
  }

  it('decodes raw deflate that some servers send as "deflate"', async () => {
    const server = await startHTTPServer((_req, res) => {
      res.writeHead(200, { 'Content-Encoding': 'deflate' });
      res.end(zlib.deflateRawSync(Buffer.from(original)));
    });
    const agent = new ContentDecoderAgent(new Agent(startReactor()));
    expect(text(await readBody(await agent.request('GET', server.url)))).toBe(original);
  });

  it('undoes stacked codings and leaves unknown ones in place', async () => {
    const server = await startHTTPServer((req, res) => {
      if (req.url === '/stacked') {
        res.writeHead(200, { 'Content-Encoding': 'deflate, gzip' });
        res.end(zlib.gzipSync(zlib.deflateSync(Buffer.from(original))));
      } else {
        res.writeHead(200, { 'Content-Encoding': 'zstd' });
        res.end('opaque');
      }
    });
    const agent = new ContentDecoderAgent(new Agent(startReactor()));
    expect(text(await readBody(await agent.request('GET', `${server.url}/stacked`)))).toBe(
      original,
    );
    const unknown = await agent.request('GET', `${server.url}/unknown`);
    expect(unknown.headers.getHeader('content-encoding')).toBe('zstd');
    expect(text(await readBody(unknown))).toBe('opaque');
  });

  it('passes an identity body through untouched', async () => {
    const server = await startHTTPServer((_req, res) => res.end('plain'));
    const agent = new ContentDecoderAgent(new Agent(startReactor()));
    const response = await agent.request('GET', server.url);
    expect(response.headers.getHeader('content-length')).toBe('5');
    expect(text(await readBody(response))).toBe('plain');
  });

  it('stops a decompression bomb at maxDecompressedSize', async () => {
    const bomb = zlib.gzipSync(Buffer.alloc(50 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(100_000);
    const server = await startHTTPServer((_req, res) => {
      res.writeHead(200, { 'Content-Encoding': 'gzip' });
      res.end(bomb);
    });
    const agent = new ContentDecoderAgent(new Agent(startReactor()), {
      maxDecompressedSize: 1024 * 1024,
    });
    const response = await agent.request('GET', server.url);
    const failure = await readBody(response, { maxSize: 100 * 1024 * 1024 })
      .asPromise()
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ResponseFailed);
    expect((failure as ResponseFailed).reasons[0]?.value).toBeInstanceOf(
      DecompressedBodyTooLargeError,
    );
  });

  it('fails a corrupt body with ResponseFailed', async () => {
    const server = await startHTTPServer((_req, res) => {
      res.writeHead(200, { 'Content-Encoding': 'gzip' });
      res.end('this is not gzip at all');
    });
    const agent = new ContentDecoderAgent(new Agent(startReactor()));
    const response = await agent.request('GET', server.url);
    await expect(readBody(response).asPromise()).rejects.toBeInstanceOf(ResponseFailed);
  });
});
