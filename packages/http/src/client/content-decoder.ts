import { Transform, type TransformCallback } from 'node:stream';
import * as zlib from 'node:zlib';
import { Failure, type Deferred, type IPushProducer } from '@tw/core';
import type { IHeaders } from '../interfaces.js';
import { Headers } from '../wire/headers.js';
import { splitListValue } from '../wire/tokens.js';
import type { IAgent } from './agent.js';
import type { IBodyProducer } from './body-producer.js';
import { DecompressedBodyTooLargeError, ResponseDone, ResponseFailed } from './errors.js';
import { Response, type IResponseBodyReceiver } from './response.js';

/** Makes the decompressor for one content coding. */
export type DecoderFactory = () =>
  zlib.Gunzip | zlib.Inflate | zlib.BrotliDecompress | NodeJS.ReadWriteStream;

export interface ContentDecoderAgentOptions {
  /** Coding name → decompressor. Default: gzip, x-gzip, deflate, br. */
  readonly decoders?: Readonly<Record<string, DecoderFactory>>;
  /** Fail the body past this many decompressed bytes (default 64 MiB): a defence against decompression bombs. */
  readonly maxDecompressedSize?: number;
}

export const DEFAULT_MAX_DECOMPRESSED_SIZE = 64 * 1024 * 1024;

/** RFC 9110 §8.4.1.2 says "deflate" is zlib-wrapped, but some servers send raw deflate: accept both. */
function deflateDecoder(): NodeJS.ReadWriteStream {
  return new DeflateEitherWay();
}

const DEFAULT_DECODERS: Readonly<Record<string, DecoderFactory>> = {
  gzip: () => zlib.createGunzip(),
  'x-gzip': () => zlib.createGunzip(),
  deflate: deflateDecoder,
  br: () => zlib.createBrotliDecompress(),
};

/**
 * Decodes compressed response bodies (twisted.web.client.ContentDecoderAgent): sends
 * Accept-Encoding for the codings it knows (unless the caller set one), and when the response
 * has a Content-Encoding it can undo, hands out a Response whose body is decoded as it streams
 * (node:zlib), with Content-Encoding (and the now wrong Content-Length) removed. Codings it does
 * not know are left in place, outermost first, as Twisted does.
 *
 * The decoded size is capped (`maxDecompressedSize`): past it the body fails with
 * ResponseFailed(DecompressedBodyTooLargeError) and the connection is dropped.
 */
export class ContentDecoderAgent implements IAgent {
  private readonly decoders: Readonly<Record<string, DecoderFactory>>;
  private readonly maxDecompressedSize: number;

  constructor(
    private readonly agent: IAgent,
    options: ContentDecoderAgentOptions = {},
  ) {
    this.decoders = options.decoders ?? DEFAULT_DECODERS;
    this.maxDecompressedSize = options.maxDecompressedSize ?? DEFAULT_MAX_DECOMPRESSED_SIZE;
  }

  request(
    method: string,
    uri: string,
    headers: IHeaders | null = null,
    bodyProducer: IBodyProducer | null = null,
  ): Deferred<Response> {
    const sent = new Headers();
    if (headers !== null) for (const [name, value] of headers) sent.addRawHeader(name, value);
    if (!sent.hasHeader('accept-encoding'))
      sent.setRawHeaders('Accept-Encoding', [
        Object.keys(this.decoders)
          .filter((n) => n !== 'x-gzip')
          .join(', '),
      ]);
    return this.agent
      .request(method, uri, sent, bodyProducer)
      .addCallback((response) => this.decode(response));
  }

  private decode(response: Response): Response {
    const codings = response.headers
      .getRawHeaders('content-encoding')
      .flatMap((value) => splitListValue(value.toLowerCase()));
    const factories: DecoderFactory[] = [];
    // Codings were applied in order, so they are undone from the last.
    while (codings.length > 0) {
      const name = codings[codings.length - 1]!;
      if (name === 'identity') {
        codings.pop();
        continue;
      }
      const factory = this.decoders[name];
      if (factory === undefined) break;
      factories.push(factory);
      codings.pop();
    }
    if (factories.length === 0) return response;
    const headers = new Headers();
    for (const [name, value] of response.headers) {
      const lower = name.toLowerCase();
      if (lower === 'content-encoding' || lower === 'content-length') continue;
      headers.addRawHeader(name, value);
    }
    if (codings.length > 0) headers.setRawHeaders('Content-Encoding', [codings.join(', ')]);
    return new DecodedResponse(response, headers, factories, this.maxDecompressedSize);
  }
}

const NO_PRODUCER: IPushProducer = {
  pauseProducing: () => undefined,
  resumeProducing: () => undefined,
  stopProducing: () => undefined,
};

/** A Response whose body is the decompressed body of another. */
class DecodedResponse extends Response {
  private delivered = false;

  constructor(
    private readonly original: Response,
    headers: Headers,
    private readonly factories: readonly DecoderFactory[],
    private readonly limit: number,
  ) {
    super(
      original.version,
      original.code,
      original.phrase,
      headers,
      null,
      original.request,
      NO_PRODUCER,
    );
    this.previousResponse = original.previousResponse;
  }

  override get bodyDelivered(): boolean {
    return this.delivered;
  }

  override deliverBody(receiver: IResponseBodyReceiver): void {
    if (this.delivered)
      throw new Error('Response.deliverBody() was already called: a body can be read once.');
    this.delivered = true;
    this.original.deliverBody(new DecodingReceiver(receiver, this.factories, this.limit));
  }
}

/** Pipes compressed body bytes through the decoders into the user's receiver, with back-pressure both ways. */
class DecodingReceiver implements IResponseBodyReceiver {
  private upstream: IPushProducer = NO_PRODUCER;
  private readonly streams: NodeJS.ReadWriteStream[];
  private readonly last: NodeJS.ReadWriteStream;
  private decoded = 0;
  /** Set once the user's receiver got connectionLost. */
  private finished = false;
  private userPaused = false;

  constructor(
    private readonly receiver: IResponseBodyReceiver,
    factories: readonly DecoderFactory[],
    private readonly limit: number,
  ) {
    this.streams = factories.map((factory) => factory());
    for (let i = 0; i + 1 < this.streams.length; i++) this.streams[i]!.pipe(this.streams[i + 1]!);
    this.last = this.streams[this.streams.length - 1]!;
    for (const stream of this.streams)
      stream.on('error', (error: unknown) => {
        this.fail(new Failure(new ResponseFailed([Failure.from(error)])));
        this.upstream.stopProducing();
      });
    this.last.on('data', (chunk: Buffer) => this.decodedData(chunk));
    this.last.on('end', () => {
      if (this.finished) return;
      this.finished = true;
      this.receiver.connectionLost(new Failure(new ResponseDone()));
    });
  }

  makeConnection(producer: IPushProducer): void {
    this.upstream = producer;
    this.receiver.makeConnection({
      pauseProducing: () => {
        this.userPaused = true;
        this.last.pause();
        this.upstream.pauseProducing();
      },
      resumeProducing: () => {
        this.userPaused = false;
        this.last.resume();
        this.upstream.resumeProducing();
      },
      stopProducing: () => {
        this.destroyStreams();
        this.upstream.stopProducing();
      },
    });
  }

  dataReceived(data: Uint8Array): void {
    if (this.finished) return;
    // zlib buffers what it cannot decode yet; pausing the connection keeps that bounded.
    const first = this.streams[0]!;
    if (!first.write(data) && !this.userPaused) {
      this.upstream.pauseProducing();
      first.once('drain', () => {
        if (!this.userPaused && !this.finished) this.upstream.resumeProducing();
      });
    }
  }

  connectionLost(reason: Failure): void {
    if (this.finished) return;
    if (reason.check(ResponseDone)) this.streams[0]!.end();
    else this.fail(reason);
  }

  private decodedData(chunk: Buffer): void {
    if (this.finished) return;
    this.decoded += chunk.byteLength;
    if (this.decoded > this.limit) {
      this.fail(
        new Failure(
          new ResponseFailed([new Failure(new DecompressedBodyTooLargeError(this.limit))]),
        ),
      );
      this.upstream.stopProducing();
      return;
    }
    this.receiver.dataReceived(chunk);
  }

  private fail(reason: Failure): void {
    if (this.finished) return;
    this.finished = true;
    this.destroyStreams();
    this.receiver.connectionLost(reason);
  }

  private destroyStreams(): void {
    for (const stream of this.streams) (stream as unknown as { destroy(): void }).destroy();
  }
}

/**
 * "deflate" is zlib-wrapped (RFC 9110 §8.4.1.2), but some servers send raw deflate: the first
 * two bytes tell which (a zlib header is CM=8 and a multiple of 31).
 */
class DeflateEitherWay extends Transform {
  private inner: zlib.Inflate | zlib.InflateRaw | null = null;
  private head = Buffer.alloc(0);

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    if (this.inner === null) {
      this.head = Buffer.concat([this.head, chunk]);
      if (this.head.length < 2) {
        callback();
        return;
      }
      const wrapped =
        (this.head[0]! & 0x0f) === 8 && ((this.head[0]! << 8) | this.head[1]!) % 31 === 0;
      const inner = wrapped ? zlib.createInflate() : zlib.createInflateRaw();
      inner.on('data', (data: Buffer) => this.push(data));
      inner.on('error', (error) => this.destroy(error));
      this.inner = inner;
      chunk = this.head;
    }
    this.inner.write(chunk, () => callback());
  }

  override _flush(callback: TransformCallback): void {
    const inner = this.inner ?? zlib.createInflateRaw();
    if (this.inner === null) {
      inner.on('data', (data: Buffer) => this.push(data));
      inner.on('error', (error) => callback(error));
      if (this.head.length > 0) inner.write(this.head);
    }
    inner.once('end', () => callback());
    inner.end();
  }

  override _destroy(error: Error | null, callback: (error: Error | null) => void): void {
    this.inner?.destroy();
    callback(error);
  }
}
